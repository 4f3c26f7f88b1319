// modts's own modules, as user code imports them: `modts` (this repository's mod.ts) and any
// file of modts's src/ by path are the running server's own instances, never evaluated a
// second time — so an `HttpError` thrown by user code is the class the dispatcher checks.
import * as modts from "../../mod.ts";

const MOD_URL = new URL("../../mod.ts", import.meta.url).href;
const SRC_URL = new URL("../", import.meta.url).href;

/** The URL of modts's mod.ts (what `modts` stands for in a site's deno.json). */
export const MODTS_URL = MOD_URL;

/** The bare names user code may import modts by, whatever a site's deno.json says. */
export function isHostName(specifier: string): boolean {
  return specifier === "modts";
}

/** Whether `url` (resolved) is one of modts's own modules. */
export function isHostUrl(url: string): boolean {
  return url === MOD_URL || (url.startsWith(SRC_URL) && /\.tsx?$/.test(url));
}

/** The server's own namespace for a host module (`modts`, or a URL isHostUrl accepts). */
export async function hostNamespace(specifierOrUrl: string): Promise<Record<string, unknown>> {
  if (isHostName(specifierOrUrl) || specifierOrUrl === MOD_URL) return modts;
  return await import(specifierOrUrl);
}
