import type { Directories } from "../directory/directories.ts";
import { compress, filterOutput } from "../directory/filters.ts";
import { DIRECTORY_FILE } from "../directory/directories.ts";
import { callMount, mountPathInfo } from "../directory/mount.ts";
import { type Content, hasAfter, hasPhases, runAfter, runBefore } from "../directory/phases.ts";
import type { ServedKind } from "../api/directory.ts";
import type { Settings } from "../directory/settings.ts";
import { prefersJson } from "../http/accept.ts";
import { whenBodyEnds } from "../http/body_end.ts";
import { debugPage } from "../http/debug_page.ts";
import { statusJson, statusPage } from "../http/error_pages.ts";
import { HttpError, statusText } from "../http/status.ts";
import { urlParts } from "../http/url_parts.ts";
import type { AccessLog } from "../log/access_log.ts";
import { NO_ATTRIBUTES, traced, tracing } from "../log/tracing.ts";
import { then } from "../util/maybe_async.ts";
import {
  Exchange,
  forwardedBy,
  type Peer,
  peerAddress,
  type SiteEnv,
} from "../request/exchange.ts";
import { type Target, virtualTarget } from "./target.ts";
import type { HandlerRegistry } from "./registry.ts";
import type { Call, Origin } from "./call.ts";
import type { Resolution, Resolver } from "./resolve.ts";
import type { Interpreter, Interpreters } from "../interpreters/interpreters.ts";

const MAX_REDIRECTS = 10;

/**
 * The one catch-all: URL → resolver → the directory's settings → the phases and the content
 * (src/directory/phases.ts: access, authen, authz, fixup, then the handler for the file's kind,
 * the directory's mounted app or a built-in page) → output filters → response; then the log
 * and cleanup phases and the access log after the body. Each step hands on the request's
 * record (`Call`, src/dispatch/call.ts).
 */
export class Dispatcher {
  constructor(
    private resolver: Resolver,
    private registry: HandlerRegistry,
    private directories: Directories,
    private site: SiteEnv,
    private accessLog: AccessLog | null,
    /** URL prefixes served by interpreters of their own (src/interpreters/). */
    private interpreters?: Interpreters,
  ) {
    site.internalRedirect = (ex, path) => this.#internalRedirect(ex, path);
  }

  /**
   * Answers one request. Every step may answer synchronously (a cached resolution, cached
   * settings, a cached static file), and then no promise is created at all: on a small
   * static file each await cost about a microsecond, a tenth of the whole request.
   */
  dispatch(raw: Request, peer: Peer): Response | Promise<Response> {
    if (this.accessLog) {
      // Read now: an upgraded request (a WebSocket) has no address or headers left to read.
      this.accessLog.arrived(raw);
      peer = { remoteAddr: { hostname: peerAddress(peer) } };
    }
    return this.#route({ raw, url: urlParts(raw.url), peer, from: null });
  }

  // Written without closures on the synchronous path: this runs for every request.
  #route(c: Call): Response | Promise<Response> {
    const interpreter = this.interpreters?.match(c.url.pathname);
    if (interpreter) return this.#interpret(c, interpreter);
    try {
      // (The closure only when tracing: this runs for every request.)
      const r = tracing()
        ? traced("modts.resolve", NO_ATTRIBUTES, () => this.#resolve(c))
        : this.#resolve(c);
      if (!(r instanceof Promise)) return this.#settings(c, r);
      return r.then((r) => this.#settings(c, r)).catch((e) => this.#failed(c, e));
    } catch (e) {
      return this.#failed(c, e);
    }
  }

  /**
   * A request for an interpreter's prefix: the hooks of the directories above it run here, the
   * rest in the interpreter's isolate — no file at or below the prefix is resolved or loaded
   * in this one.
   */
  #interpret(c: Call, interpreter: Interpreter): Response | Promise<Response> {
    const serve = (s: Settings) => {
      c.settings = s;
      const target = virtualTarget(interpreter.dir, interpreter.prefix, "");
      return this.#serve(c, target, s, interpreter.content);
    };
    try {
      const s = interpreter.above === null
        ? this.directories.base
        : this.directories.settingsFor(interpreter.above);
      return s instanceof Promise ? s.then(serve).catch((e) => this.#failed(c, e)) : serve(s);
    } catch (e) {
      return this.#failed(c, e);
    }
  }

  #resolve(c: Call): Resolution | Promise<Resolution> {
    return c.from?.errorDocument
      ? this.resolver.resolveInternal(c.url.pathname)
      : this.resolver.resolve(c.url.pathname);
  }

  #settings(c: Call, r: Resolution): Response | Promise<Response> {
    const s = this.directories.settingsFor(r.dir);
    if (s instanceof Promise) {
      return s.then((s) => {
        c.settings = s;
        return this.#handle(c, r, s);
      });
    }
    c.settings = s;
    return this.#handle(c, r, s);
  }

  #failed(c: Call, e: unknown): Response | Promise<Response> {
    const live = this.site.liveReload;
    const res = this.#error(c, e);
    // An error page reloads too once the error is fixed (the outer request's, not a document's).
    if (!live || c.from !== null) return this.#finish(c, res);
    return this.#finish(c, then(res, (res) => live.inject(res, c.raw.method)));
  }

  #handle(c: Call, r: Resolution, s: Settings): Response | Promise<Response> {
    const url = c.url;
    if (s.mount) {
      const mount = s.mount;
      const file = `${this.site.root}${mount.path}/${DIRECTORY_FILE}`;
      const target = virtualTarget(file, mount.path, mountPathInfo(url, mount.path));
      const app = { handle: (q: Exchange) => callMount(q, mount, url) };
      return this.#serve(c, target, s, app);
    }
    // A file really named so is served as itself; any other use of the name is the page.
    const named = r.type === "target" && r.target.pathInfo === "";
    const builtin = named ? undefined : this.registry.builtinPage(s, url.pathname);
    if (builtin) {
      // Through the phases like any page: a protected directory protects it too.
      const urlDir = `${r.dir.slice(this.site.root.length)}/`;
      const file = `${r.dir}/${builtin.name}`;
      const target = virtualTarget(file, `${urlDir}${builtin.name}`, "");
      const page = { handle: () => builtin.render(s, r.dir, urlDir, this.site) };
      return this.#serve(c, target, s, page);
    }
    if (r.type === "redirect") {
      const location = r.location + url.search;
      return this.#finish(c, new Response(null, { status: 301, headers: { location } }));
    }
    if (r.type === "status") return this.#failed(c, new HttpError(r.status));
    const kind = r.target.kind;
    const handler = s.handlers[kind as ServedKind] === false ? undefined : this.registry.get(kind);
    if (!handler) return this.#failed(c, new HttpError(404));
    return this.#serve(c, r.target, s, handler);
  }

  /** Runs the phases and the content for a request that names something. */
  #serve(c: Call, target: Target, s: Settings, content: Content): Response | Promise<Response> {
    const ex = c.ex = new Exchange(c.raw, c.url, target, this.site, c.peer, s);
    const from = c.from;
    if (from?.errorDocument) {
      ex.answering = from.errorDocument;
      ex.status = from.errorDocument.error.status;
    }
    if (from?.ex) {
      ex.takeSession(from.ex);
      ex.user = from.ex.user;
      ex.redirects = from.ex.redirects + 1;
    }
    let res: Response | Promise<Response>;
    try {
      if (s.inputFilters.length > 0) ex.filterInput(s.inputFilters);
      res = ex.run(hasPhases(s) ? { handle: (q) => runBefore(q, s, content) } : content);
    } catch (e) {
      return this.#failed(c, e);
    }
    return res instanceof Promise
      ? res.then((res) => this.#respond(c, res, ex, s), (e) => this.#failed(c, e))
      : this.#respond(c, res, ex, s);
  }

  /** The handler's response through the output filters and compression. */
  #respond(c: Call, res: Response, ex: Exchange, s: Settings): Response | Promise<Response> {
    if (ex.method !== "HEAD") {
      const filters = ex.outputFilters.length > 0
        ? [...s.outputFilters, ...ex.outputFilters]
        : s.outputFilters;
      // `ex.req` is made on first use: only when there is a filter to hand it to.
      if (filters.length > 0) res = filterOutput(res, filters, ex.req);
      if (this.site.liveReload && c.from === null) {
        res = this.site.liveReload.inject(res, ex.method);
      }
      // (Not for static files, the hot path: none is an event stream.)
      if (ex.target.kind !== "static") res = this.site.eventStreams.track(res);
      if (s.compress) return compress(res, ex.req).then((res) => this.#finish(c, res));
    }
    return this.#finish(c, res);
  }

  /**
   * After the body: the log phase, the request's cleanups, the cleanup phase (none of which
   * delays the response); and the access-log line (not for an internal redirect's inner
   * request: the outer one logs).
   */
  #finish(c: Call, res: Response | Promise<Response>): Response | Promise<Response> {
    return res instanceof Promise
      ? res.then((res) => this.#complete(c, res))
      : this.#complete(c, res);
  }

  #complete(c: Call, res: Response): Response {
    const { raw, ex, from } = c;
    if (ex && ex.settings.headers.length > 0) res = withDefaultHeaders(res, ex.settings.headers);
    if (ex && hasAfter(ex)) res = afterBody(res, () => runAfter(ex));
    const method = ex?.method ?? raw.method;
    if (from === null && method !== "GET" && method !== "HEAD") res = releaseUnreadBody(raw, res);
    if (from === null && this.accessLog) {
      const entry = {
        raw,
        url: c.url,
        remoteAddr: ex?.remoteAddr ??
          forwardedBy(this.site.trustProxy, raw, c.peer)?.client ?? peerAddress(c.peer),
        user: ex?.user,
        status: res.status,
        time: new Date(),
      };
      res = this.accessLog.record(entry, res);
    }
    return res;
  }

  /**
   * The response for an error: an `HttpError`'s status (the directory's error document for it
   * if there is one), else a logged 500 — the debug page when the directory has debug on. A
   * client that asks for JSON gets the error as JSON, never an HTML error document.
   */
  #error(c: Call, e: unknown): Response | Promise<Response> {
    const { raw, url, settings: s, ex } = c;
    // The client left (its request's signal says so) while the request waited, e.g. for a
    // session's lock: nobody is there to answer, and nothing went wrong on this side.
    if (raw.signal.aborted && e === raw.signal.reason) return statusPage(499);
    const json = prefersJson(acceptOf(raw));
    if (!(e instanceof HttpError)) {
      // Frames of user modules at the user's own lines (src/modules/module_positions.ts).
      const stack = this.site.modules.positions.mapStack(String(e instanceof Error ? e.stack : e));
      this.site.log(`error serving ${url.pathname}: ${stack}`);
      if (s?.debug) return debugPage(e, url.pathname, stack, json);
    }
    if (json) {
      return e instanceof HttpError ? statusJson(e.status, e.message, e.headers) : statusJson(500);
    }
    const page = e instanceof HttpError
      ? statusPage(e.status, e.message, e.headers)
      : statusPage(500);
    const doc = s?.errorDocuments[page.status];
    if (doc === undefined || c.from?.errorDocument || (ex && ex.redirects >= MAX_REDIRECTS)) {
      return page;
    }
    // What the document may show: the status, the message an HttpError carries (a crash's
    // own message stays in the log), and the request as the client made it.
    const answering = {
      error: { status: page.status, message: e instanceof HttpError ? e.message : statusText(500) },
      path: ex?.req.path ?? safeDecode(url.pathname),
      url: raw.url,
    };
    return this.#errorDocument(c, doc, page, answering).catch((err) => {
      this.site.log(`error document ${doc} for ${page.status} failed: ${err}`);
      return page;
    });
  }

  /**
   * The page at `doc` (a URL path) fetched with GET, answering with the status and headers of
   * the plain `page` (a 401 keeps its challenge).
   */
  async #errorDocument(
    c: Call,
    doc: string,
    page: Response,
    answering: NonNullable<Exchange["answering"]>,
  ) {
    const target = new URL(doc, c.raw.url);
    const inner = new Request(target, { headers: c.raw.headers });
    const from: Origin = { ex: c.ex, errorDocument: answering };
    const res = await this.#route({ raw: inner, url: urlParts(target.href), peer: c.peer, from });
    if (res.status !== 200 && res.status !== page.status) {
      await res.body?.cancel();
      this.site.log(`error document ${doc} for ${page.status} answered ${res.status}: not used`);
      return page;
    }
    const headers = new Headers(res.headers);
    for (const [k, v] of page.headers) if (k !== "content-type") headers.set(k, v);
    return new Response(res.body, { status: page.status, headers });
  }

  #internalRedirect(ex: Exchange, path: string): Promise<Response> {
    if (ex.redirects >= MAX_REDIRECTS) {
      return Promise.reject(new Error(`more than ${MAX_REDIRECTS} internal redirects`));
    }
    const raw = ex.raw;
    const target = new URL(path, raw.url);
    const next = new Request(target, {
      method: raw.method,
      headers: raw.headers,
      body: raw.bodyUsed ? null : raw.body,
      signal: raw.signal,
    });
    const url = urlParts(target.href);
    return Promise.resolve(this.#route({ raw: next, url, peer: ex.peer, from: { ex } }));
  }
}

/** A URL path decoded for `req.path`, as it came when it does not decode. */
function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The Accept header, or null when it cannot be read (an upgraded request has none left). */
function acceptOf(raw: Request): string | null {
  try {
    return raw.headers.get("accept");
  } catch {
    return null;
  }
}

/** `res` with the directory's default headers it does not set itself. */
function withDefaultHeaders(res: Response, defaults: Settings["headers"]): Response {
  if (res.status === 101) return res; // Deno upgrades only the very Response it made
  let headers = res.headers;
  for (const [name, value] of defaults) {
    if (headers.has(name)) continue;
    try {
      headers.set(name, value);
    } catch { // a fetched Response's headers are immutable: a copy then
      res = new Response(res.body, res);
      headers = res.headers;
      headers.set(name, value);
    }
  }
  return res;
}

/**
 * A request body nobody read is cancelled once the answer no longer needs it — at once for an
 * error, after the answer's body otherwise (a streamed answer may still read it) — so the
 * connection is not left waiting on bytes nobody wants.
 */
function releaseUnreadBody(raw: Request, res: Response): Response {
  const body = raw.body;
  if (body === null || raw.bodyUsed) return res;
  const release = () => {
    if (!raw.bodyUsed) body.cancel().catch(() => {}); // a locked body is someone's: kept
  };
  if (res.status >= 400 || res.body === null) {
    release();
    return res;
  }
  return afterBody(res, release);
}

/** `res` with `done` run once its body has been sent or abandoned (at once if it has none). */
function afterBody(res: Response, done: () => unknown): Response {
  if (res.body === null) {
    setTimeout(done, 0);
    return res;
  }
  return new Response(whenBodyEnds(res.body, () => done()), res);
}
