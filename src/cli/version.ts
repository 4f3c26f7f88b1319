import denoJson from "../../deno.json" with { type: "json" };
import { parseFlags } from "./flags.ts";

export const versionHelp = `Usage: modts version

Prints the versions of modts, Deno, V8, TypeScript, Hono and Eta.
`;

/** The version pinned in deno.json's import map (`npm:hono@4.13.19` → 4.13.19). */
function pinned(name: keyof typeof denoJson.imports): string {
  return denoJson.imports[name].replace(/^npm:(@[^/]+\/)?[^@]+@/, "");
}

export function versionText(): string {
  return [
    `modts ${denoJson.version}`,
    `deno ${Deno.version.deno}`,
    `v8 ${Deno.version.v8}`,
    `typescript ${Deno.version.typescript}`,
    `hono ${pinned("hono")}`,
    `eta ${pinned("eta")}`,
  ].join("\n");
}

export function version(args: string[]): number {
  if (parseFlags(args, [], 0).help) console.log(versionHelp);
  else console.log(versionText());
  return 0;
}
