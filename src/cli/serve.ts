import { resolveConfig } from "../config/resolve_config.ts";
import { OPTIONS, type OptionSpec, type ServerConfig, UsageError } from "../config/options.ts";
import { startServer } from "../server/server.ts";
import { startWorkers } from "../server/workers.ts";
import { flagHelp, parseFlags } from "./flags.ts";

/** `--config FILE`: a flag of `serve` only (a config file cannot name another). */
const CONFIG_FLAG: OptionSpec<"config"> = {
  key: "config",
  flag: "--config",
  type: "path",
  arg: "FILE",
  help: "the config file (else modts.config.json or .ts beside ROOT)",
};
const SERVE_FLAGS = [CONFIG_FLAG, ...OPTIONS];

export const serveHelp = `Usage: modts serve [ROOT] [flags]

Serves the document root ROOT (default: public/): publisher modules (*.ts), server pages
(*.psp) and static files. Prints one line with http://HOST:PORT/ once it is ready.
Every flag can also be set in the config file (--config FILE, else modts.config.json or
modts.config.ts beside ROOT); flags win.

Flags:
${flagHelp(SERVE_FLAGS)}
  -h, --help                         this text
`;

export async function serve(args: string[]): Promise<number> {
  const { positionals, values, help } = parseFlags<Partial<ServerConfig> & { config?: string }>(
    args,
    SERVE_FLAGS,
    1,
  );
  if (help) {
    console.log(serveHelp);
    return 0;
  }
  const { config: explicitFile, ...flags } = values;
  const { config, configFile } = await resolveConfig(positionals[0], flags, explicitFile);
  let server;
  try {
    const workers = config.workers === "auto" ? navigator.hardwareConcurrency : config.workers;
    if (workers > 1 && config.unix !== null) {
      throw new UsageError("--workers shares a TCP port: it does not go with --unix");
    }
    server = workers > 1
      ? await startWorkers(config, workers, (m) => console.error(m))
      : await startServer(config);
  } catch (e) {
    const why = listenFailure(e);
    if (!why) throw e;
    const where = config.unix ?? `${config.host}:${config.port}`;
    console.error(`modts serve: cannot listen on ${where}: ${why}`);
    return 1;
  }
  const from = configFile ? ` (config: ${configFile})` : "";
  const what = config.sites ? `sites ${Object.keys(config.sites).join(", ")}` : config.root;
  console.log(`modts serving ${what} at ${server.url}${from}`);

  const stopped = Promise.withResolvers<void>();
  const onSignal = () => {
    console.error("modts: shutting down");
    server.shutdown().then(stopped.resolve);
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, onSignal);
  await stopped.promise;
  return 0;
}

/** What a failure to listen means to the operator, or null when it is not one. */
function listenFailure(e: unknown): string | null {
  if (e instanceof Deno.errors.AddrInUse) {
    return "the address is in use (is modts already running?)";
  }
  if (e instanceof Deno.errors.AddrNotAvailable) return "no such address on this machine";
  if (e instanceof Deno.errors.PermissionDenied) {
    return "permission denied (ports below 1024 need privileges)";
  }
  return null;
}
