// A site: everything that answers requests for one document root, assembled, but not
// listening. `createHandler` (mod.ts) hands it out as a fetch handler; `startServer` listens
// with it.
import { join } from "node:path";
import type { ServerConfig } from "../config/options.ts";
import { Dispatcher } from "../dispatch/dispatcher.ts";
import type { HandlerRegistry } from "../dispatch/registry.ts";
import { Resolver } from "../dispatch/resolve.ts";
import { statusPage } from "../http/error_pages.ts";
import { parseTrustList } from "../http/forwarded.ts";
import { AccessLog } from "../log/access_log.ts";
import type { PspHandler } from "../psp/psp_handler.ts";
import { SessionManager } from "../session/manager.ts";
import { Directories } from "../directory/directories.ts";
import { baseSettings } from "../directory/settings.ts";
import { NO_PEER, type Peer, type SiteEnv } from "../request/exchange.ts";
import { then } from "../util/maybe_async.ts";
import { keepServing } from "./escaped_errors.ts";
import { makeUploadDir } from "./upload_dirs.ts";
import { defaultRegistry, DIRECTORY_INDEX } from "./handlers.ts";
import { Startup } from "./startup.ts";
import { initTracing } from "../log/tracing.ts";
import { LiveReload } from "../dev/live_reload.ts";
import { EventStreams } from "./event_streams.ts";
import type { SessionSource } from "../session/session.ts";
import type { Form } from "../request/form.ts";
import { openInterpreters } from "../interpreters/interpreters.ts";

export interface SiteOptions {
  registry?: HandlerRegistry;
  /** The site's host name, when it is one of several (`sites`): the access log says it. */
  name?: string;
  /** Where log lines go (stderr by default). */
  log?: (message: string) => void;
  /** The site inside an interpreter's isolate (src/interpreters/interpreter_main.ts). */
  isolated?: IsolatedSite;
}

/**
 * What an interpreter's site gets from the server instead of having it: sessions, uploads
 * already written, and the URL prefix its root answers at. It has no data directory, store,
 * access log or live reload of its own, and leaves errors that escape to end its isolate.
 */
export interface IsolatedSite {
  sessions: SessionSource;
  uploadDir: string;
  basePath: string;
  formOf: (raw: Request) => Form | undefined;
}

export interface Site {
  /** Answers one request; never throws (a failure is a logged 500). */
  fetch(request: Request, info?: Peer): Response | Promise<Response>;
  /** The answer to an error that escaped `fetch` (Deno's onError): logged, a 500. */
  fail(error: unknown): Response;
  /** From now on answers say `Connection: close`: the server is going away. */
  drain(): void;
  /** What the listener in front can do: carry WebSockets, and what to say when one fails. */
  listening(by: { upgrades: boolean; upgraded(): void }): void;
  /** Drops session leases, closes the store, the modules and the logs; removes uploads. */
  close(): Promise<void>;
  log(message: string): void;
}

/**
 * Assembles the site on `config`: every request goes straight to the dispatcher. (No router
 * in front: the file system is the router, and a Hono app with one catch-all route in between
 * cost a fifth of a small publisher call.)
 */
export async function openSite(config: ServerConfig, options: SiteOptions = {}): Promise<Site> {
  const log = options.log ?? ((m: string) => console.error(m));
  await initTracing();
  const realRoot = await Deno.realPath(config.root);
  if (!(await Deno.stat(realRoot)).isDirectory) {
    throw new Error(`${config.root} is not a directory`);
  }
  const isolated = options.isolated;
  if (!isolated) await Deno.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  // This process's own, removed on shutdown (and at the next start if it is killed).
  const uploads = isolated
    ? { path: isolated.uploadDir, close() {} }
    : await makeUploadDir(config.dataDir, log);

  // Live reload is for editing: every edit is seen at once, and a broken one shows its error at
  // once instead of the last good version while the edit settles.
  const fsTtlMs = config.liveReload ? 0 : config.fsTtl * 1000;
  const registry = options.registry ?? defaultRegistry({
    accessLog: config.accessLog !== null,
    cacheDir: isolated ? undefined : join(config.dataDir, "psp-cache"),
    log,
  });
  const modules = registry.moduleLoader({
    root: realRoot,
    autoreload: config.autoreload,
    checkMs: fsTtlMs,
    settleMs: config.liveReload ? 0 : undefined,
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
    isolated?.basePath,
  );
  const accessLog = config.accessLog ? new AccessLog(config.accessLog, options.name) : null;
  const pages = registry.get("page") as PspHandler | undefined;
  const sessions = isolated?.sessions ?? new SessionManager(config.kv, log);
  const live = config.liveReload && !isolated
    ? new LiveReload(realRoot, config.dataDir, log)
    : undefined;
  const env: SiteEnv = {
    root: realRoot,
    render: pages?.render ? (ex, file, data) => pages.render(ex, file, data) : undefined,
    uploadDir: uploads.path,
    trustProxy: parseTrustList(config.trustProxy),
    sessions,
    modules,
    // A fetch handler's host decides (Deno.serve carries them); the server says otherwise. A
    // 101 cannot cross from an interpreter's isolate to the server's.
    websockets: !isolated,
    upgradeFailed: isolated
      ? () => log("WebSockets cannot be used inside an interpreter")
      : undefined,
    liveReload: live,
    eventStreams: new EventStreams(),
    formOf: isolated?.formOf,
    log,
  };
  const interpreters = !isolated && config.interpreters
    ? await openInterpreters(config, realRoot, uploads.path, log)
    : undefined;
  const dispatcher = new Dispatcher(resolver, registry, directories, env, accessLog, interpreters);

  const stopKeeping = isolated ? () => {} : keepServing({
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
  const answered = (res: Response) => {
    if (res.status === 101 && !env.websockets) env.upgradeFailed?.();
    return draining ? closing(res) : res;
  };
  const startup = new Startup(realRoot, modules, log);
  const dispatch = (request: Request, info?: Peer) => {
    try {
      // `info` is not read here: each read of its address is a call into Deno.
      const res = dispatcher.dispatch(request, info ?? NO_PEER);
      return res instanceof Promise ? res.then(answered, failed) : answered(res);
    } catch (e) {
      return failed(e);
    }
  };
  const fetch = (request: Request, info?: Peer) => {
    if (live?.isEvents(request)) return live.events();
    if (startup.ok) return dispatch(request, info);
    return startup.retry().then((ok) =>
      ok ? dispatch(request, info) : statusPage(503, "The site failed to start.")
    );
  };
  await startup.run();

  return {
    fetch,
    fail: failed,
    drain: () => {
      draining = true;
      // Open event streams would hold the shutdown up; their clients reconnect elsewhere.
      live?.close();
      env.eventStreams.endAll();
    },
    listening: (by) => {
      env.websockets = by.upgrades;
      env.upgradeFailed = by.upgraded;
    },
    async close() {
      live?.close();
      interpreters?.close();
      await startup.stop();
      await sessions.close();
      await modules.close();
      await accessLog?.close();
      uploads.close();
      if (!isolated) await Deno.remove(uploads.path, { recursive: true }).catch(() => {});
      stopKeeping();
    },
    log,
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
