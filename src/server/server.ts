import { join } from "node:path";
import type { ServerConfig } from "../config/options.ts";
import { Dispatcher } from "../dispatch/dispatcher.ts";
import type { HandlerRegistry } from "../dispatch/registry.ts";
import { Resolver } from "../dispatch/resolve.ts";
import { statusPage } from "../http/error_pages.ts";
import { AccessLog } from "../log/access_log.ts";
import type { PspHandler } from "../psp/psp_handler.ts";
import { SessionManager } from "../session/manager.ts";
import { Directories } from "../directory/directories.ts";
import { baseSettings } from "../directory/settings.ts";
import { then } from "../util/maybe_async.ts";
import { keepServing } from "./escaped_errors.ts";
import { makeUploadDir } from "./upload_dirs.ts";
import { listen } from "./listener.ts";
import { defaultRegistry, DIRECTORY_INDEX } from "./handlers.ts";

export interface RunningServer {
  /** `http://HOST:PORT/` with the real port. */
  url: string;
  port: number;
  /** Stop accepting, let in-flight requests finish (bounded), close logs. */
  shutdown(): Promise<void>;
}

export interface ServerOptions {
  registry?: HandlerRegistry;
  /** Where log lines go (stderr by default). */
  log?: (message: string) => void;
}

function formatUrl(hostname: string, port: number): string {
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return `http://${host}:${port}/`;
}

/**
 * Starts modts on `config`: `Deno.serve` hands every request to the dispatcher. (No router in
 * front: the file system is the router, and a Hono app with one catch-all route in between
 * cost a fifth of a small publisher call.)
 */
export async function startServer(
  config: ServerConfig,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const log = options.log ?? ((m: string) => console.error(m));
  const realRoot = await Deno.realPath(config.root);
  if (!(await Deno.stat(realRoot)).isDirectory) {
    throw new Error(`${config.root} is not a directory`);
  }
  await Deno.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  // This process's own, removed on shutdown (and at the next start if it is killed).
  const uploadDir = await makeUploadDir(config.dataDir, log);

  const fsTtlMs = config.fsTtl * 1000;
  const registry = options.registry ?? defaultRegistry({
    accessLog: config.accessLog !== null,
    cacheDir: join(config.dataDir, "psp-cache"),
    log,
  });
  const modules = registry.moduleLoader({
    root: realRoot,
    autoreload: config.autoreload,
    checkMs: fsTtlMs,
    log,
  });
  const directories = new Directories(
    realRoot,
    baseSettings({
      debug: config.debug,
      autoreload: config.autoreload,
      maxBodySize: config.maxBodySize,
      requestTimeout: config.requestTimeout,
      directoryIndex: DIRECTORY_INDEX,
    }),
    fsTtlMs,
    modules,
  );
  const resolver = new Resolver(
    realRoot,
    registry,
    (dir) => then(directories.settingsFor(dir), (s) => s.directoryIndex),
    fsTtlMs,
  );
  const accessLog = config.accessLog ? new AccessLog(config.accessLog) : null;
  const pages = registry.get("page") as PspHandler | undefined;
  const sessions = new SessionManager(config.kv, log);
  const dispatcher = new Dispatcher(resolver, registry, directories, {
    root: realRoot,
    render: pages?.render ? (ex, file, data) => pages.render(ex, file, data) : undefined,
    uploadDir,
    sessions,
    modules,
    log,
  }, accessLog);

  const stopKeeping = keepServing({
    root: realRoot,
    log,
    mapStack: (stack) => modules.positions.mapStack(stack),
  });

  const failed = (err: unknown) => {
    log(`unhandled error: ${err instanceof Error ? err.stack : err}`);
    return statusPage(500);
  };
  // Set at shutdown: answers then say `Connection: close`, so that a keep-alive client opens
  // a new connection (to the next process) instead of finding this one gone.
  let draining = false;
  // What a 101 should do; the listener, known below, says.
  let upgraded = () => {};
  const answered = (res: Response) => {
    if (res.status === 101) upgraded();
    return draining ? closing(res) : res;
  };
  const fetch = (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => {
    try {
      const res = dispatcher.dispatch(request, info);
      return res instanceof Promise ? res.then(answered, failed) : answered(res);
    } catch (e) {
      return failed(e);
    }
  };

  const server = await listen(
    {
      hostname: config.host,
      port: config.port,
      websockets: config.websockets,
      limits: {
        headerTimeoutMs: config.headerTimeout * 1000,
        idleTimeoutMs: config.idleTimeout * 1000,
        maxConnections: config.maxConnections,
      },
    },
    fetch,
    failed,
    log,
  );
  upgraded = server.upgraded;
  const addr = server.addr;

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    stopping ??= (async () => {
      draining = true;
      const stopped = server.shutdown();
      const timeout = new Promise<void>((r) => {
        const t = setTimeout(() => {
          log(`shutdown: in-flight requests still running after ${config.shutdownTimeout}s`);
          r();
        }, config.shutdownTimeout * 1000);
        stopped.then(() => clearTimeout(t), () => clearTimeout(t));
      });
      await Promise.race([stopped, timeout]);
      await sessions.close();
      await modules.close();
      await accessLog?.close();
      await Deno.remove(uploadDir, { recursive: true }).catch(() => {});
      stopKeeping();
    })();

  return {
    url: formatUrl(addr.hostname, addr.port),
    port: addr.port,
    shutdown,
  };
}

/** `res` saying the connection ends after it (a copy if its headers are immutable). */
function closing(res: Response): Response {
  if (res.status === 101) return res; // an upgraded connection is the handler's
  try {
    res.headers.set("connection", "close");
    return res;
  } catch {
    const copy = new Response(res.body, res);
    copy.headers.set("connection", "close");
    return copy;
  }
}
