import { UsageError } from "../config/options.ts";
import { check, checkHelp } from "./check.ts";
import { create, createHelp } from "./create.ts";
import { openapi, openapiHelp } from "./openapi.ts";
import { serve, serveHelp } from "./serve.ts";
import { version, versionHelp } from "./version.ts";

const COMMANDS: Record<string, { run(args: string[]): number | Promise<number>; help: string }> = {
  serve: { run: serve, help: serveHelp },
  check: { run: check, help: checkHelp },
  create: { run: create, help: createHelp },
  openapi: { run: openapi, help: openapiHelp },
  version: { run: version, help: versionHelp },
};

export const mainHelp = `modts: mod_python's publisher, server pages and sessions for Deno

Usage: modts COMMAND [args]

Commands:
  serve [ROOT]   serve a document root (default: public/)
  check ROOT     check the modules, pages and settings under ROOT
  create DIR     scaffold a new site in DIR
  openapi ROOT   print an OpenAPI 3.1 document of the functions published under ROOT
  version        print the versions of modts and its parts

modts COMMAND --help tells more.
`;

/** Runs the command line; returns the exit code (2 for usage errors). */
export async function runCli(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === "--help" || name === "-h" || name === "help") {
    console.log(mainHelp);
    return 0;
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    console.error(
      name === undefined
        ? "modts: a command is needed (try --help)"
        : `modts: unknown command "${name}" (try --help)`,
    );
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`modts ${name}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
