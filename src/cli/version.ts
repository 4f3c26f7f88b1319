import denoJson from "../../deno.json" with { type: "json" };
import { VERSIONS } from "../deps.ts";
import { parseFlags } from "./flags.ts";

export const versionHelp = `Usage: modts version

Prints the versions of modts, Deno, V8, TypeScript, Hono and Eta.
`;

export function versionText(): string {
  return [
    `modts ${denoJson.version}`,
    `deno ${Deno.version.deno}`,
    `v8 ${Deno.version.v8}`,
    `typescript ${Deno.version.typescript}`,
    `hono ${VERSIONS.hono}`,
    `eta ${VERSIONS.eta}`,
  ].join("\n");
}

export function version(args: string[]): number {
  if (parseFlags(args, [], 0).help) console.log(versionHelp);
  else console.log(versionText());
  return 0;
}
