// modts: the command line (SPEC §1). See `deno run main.ts --help`.
import { runCli } from "./src/cli/cli.ts";

Deno.exit(await runCli(Deno.args));
