// modts's own modules, as user code imports them: `modts` (this repository's mod.ts),
// `modts/client` and any file of modts's src/ by path are the running server's own
// instances, never evaluated a second time — so an `HttpError` thrown by user code is the
// class the dispatcher checks.
import * as modts from "../../mod.ts";
import * as modtsClient from "../../client.ts";

const MOD_URL = new URL("../../mod.ts", import.meta.url).href;
const CLIENT_URL = new URL("../../client.ts", import.meta.url).href;
const SRC_URL = new URL("../", import.meta.url).href;

/**
 * The bare names user code may import modts by, whatever a site's deno.json says, and the
 * files they stand for (what a site's deno.json maps them to for editors and `deno check`).
 */
export const HOST_IMPORTS: Readonly<Record<string, string>> = {
  "modts": MOD_URL,
  "modts/client": CLIENT_URL,
};

const NAMESPACES = new Map<string, Record<string, unknown>>([
  [MOD_URL, modts],
  [CLIENT_URL, modtsClient],
]);

export function isHostName(specifier: string): boolean {
  return Object.hasOwn(HOST_IMPORTS, specifier);
}

/** Whether `url` (resolved) is one of modts's own modules. */
export function isHostUrl(url: string): boolean {
  return NAMESPACES.has(url) || (url.startsWith(SRC_URL) && /\.tsx?$/.test(url));
}

/** The server's own namespace for a host module (a host name, or a URL isHostUrl accepts). */
export async function hostNamespace(specifierOrUrl: string): Promise<Record<string, unknown>> {
  const url = isHostName(specifierOrUrl) ? HOST_IMPORTS[specifierOrUrl] : specifierOrUrl;
  return NAMESPACES.get(url) ?? await import(url);
}
