import type { Directories } from "../directory/directories.ts";
import { compress, filterOutput } from "../directory/filters.ts";
import { DIRECTORY_FILE } from "../directory/directories.ts";
import { callMount, mountPathInfo } from "../directory/mount.ts";
import { type Outcome, runPhase, statusError } from "../directory/phases.ts";
import type { ServedKind } from "../api/directory.ts";
import type { Settings } from "../directory/settings.ts";
import { prefersJson } from "../http/accept.ts";
import { debugPage, statusJson, statusPage } from "../http/error_pages.ts";
import { HttpError, statusText } from "../http/status.ts";
import { type UrlParts, urlParts } from "../http/url_parts.ts";
import type { AccessLog } from "../log/access_log.ts";
import {
  Exchange,
  forwardedBy,
  type Peer,
  peerAddress,
  type SiteEnv,
} from "../request/exchange.ts";
import { type Target, virtualTarget } from "./target.ts";
import type { Handler, HandlerRegistry } from "./registry.ts";
import type { Resolution, Resolver } from "./resolve.ts";

/** What answers a request that names something: a handler, a mounted app, a built-in page. */
type Content = Pick<Handler, "handle">;

/**
 * null for a client's request; else an internal one (an internal redirect, whose request
 * hands over its session and user, or an error document), which the access log skips. An
 * error document's own errors get plain pages: a missing or failing one cannot recurse.
 */
type Origin = {
  ex?: Exchange;
  /** For an error document: the error it answers and the request that met it. */
  errorDocument?: Exchange["answering"];
} | null;

const BEFORE = ["access", "authen", "authz", "fixup"] as const;
const MAX_REDIRECTS = 10;

/**
 * The one catch-all: URL → resolver → the directory's settings → phases (access, authen,
 * authz, fixup) → the handler for the file's kind (or the directory's mounted app) → output
 * filters → response; then the log and cleanup phases and the access log after the body.
 */
export class Dispatcher {
  constructor(
    private resolver: Resolver,
    private registry: HandlerRegistry,
    private directories: Directories,
    private site: SiteEnv,
    private accessLog: AccessLog | null,
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
    return this.#route(raw, urlParts(raw.url), peer, null);
  }

  // Written without closures on the synchronous path: this runs for every request.
  #route(
    raw: Request,
    url: UrlParts,
    peer: Peer,
    from: Origin,
  ): Response | Promise<Response> {
    try {
      const r = from?.errorDocument
        ? this.resolver.resolveInternal(url.pathname)
        : this.resolver.resolve(url.pathname);
      if (!(r instanceof Promise)) return this.#settings(raw, url, r, peer, from);
      return r.then((r) => this.#settings(raw, url, r, peer, from))
        .catch((e) => this.#failed(raw, url, peer, from, e));
    } catch (e) {
      return this.#failed(raw, url, peer, from, e);
    }
  }

  #settings(
    raw: Request,
    url: UrlParts,
    r: Resolution,
    peer: Peer,
    from: Origin,
  ): Response | Promise<Response> {
    const s = this.directories.settingsFor(r.dir);
    return s instanceof Promise
      ? s.then((s) => this.#handle(raw, url, r, s, peer, from))
      : this.#handle(raw, url, r, s, peer, from);
  }

  #failed(
    raw: Request,
    url: UrlParts,
    peer: Peer,
    from: Origin,
    e: unknown,
    s?: Settings,
    ex?: Exchange,
  ): Response | Promise<Response> {
    const error = this.#error(e, raw, url, peer, from, s, ex);
    return this.#finish(raw, url, peer, error, from, ex);
  }

  #handle(
    raw: Request,
    url: UrlParts,
    r: Resolution,
    s: Settings,
    peer: Peer,
    from: Origin,
  ): Response | Promise<Response> {
    if (s.mount) {
      const mount = s.mount;
      const file = `${this.site.root}${mount.path}/${DIRECTORY_FILE}`;
      const target = virtualTarget(file, mount.path, mountPathInfo(url, mount.path));
      const app = { handle: (q: Exchange) => callMount(q, mount, url) };
      return this.#serve(raw, url, target, s, peer, from, app);
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
      return this.#serve(raw, url, target, s, peer, from, page);
    }
    if (r.type === "redirect") {
      const location = r.location + url.search;
      const res = new Response(null, { status: 301, headers: { location } });
      return this.#finish(raw, url, peer, res, from);
    }
    if (r.type === "status") {
      return this.#failed(raw, url, peer, from, new HttpError(r.status), s);
    }
    const kind = r.target.kind;
    const handler = s.handlers[kind as ServedKind] === false ? undefined : this.registry.get(kind);
    if (!handler) {
      return this.#failed(raw, url, peer, from, new HttpError(404), s);
    }
    return this.#serve(raw, url, r.target, s, peer, from, handler);
  }

  /** Runs the phases and the content for a request that names something. */
  #serve(
    raw: Request,
    url: UrlParts,
    target: Target,
    s: Settings,
    peer: Peer,
    from: Origin,
    content: Content,
  ): Response | Promise<Response> {
    const ex = new Exchange(raw, url, target, this.site, peer, s);
    if (from?.errorDocument) {
      ex.answering = from.errorDocument;
      ex.status = from.errorDocument.error.status;
    }
    if (from?.ex) {
      ex.takeSession(from.ex);
      ex.user = from.ex.user;
      ex.redirects = from.ex.redirects + 1;
    }
    const h = s.hooks;
    const phases = h.access.length + h.authen.length + h.authz.length + h.fixup.length > 0;
    let res: Response | Promise<Response>;
    try {
      if (s.inputFilters.length > 0) ex.filterInput(s.inputFilters);
      res = ex.run(phases ? { handle: (q) => this.#phases(q, s, content, 0) } : content);
    } catch (e) {
      return this.#failed(raw, url, peer, from, e, s, ex);
    }
    return res instanceof Promise
      ? res.then(
        (res) => this.#respond(raw, url, peer, res, ex, s, from),
        (e) => this.#failed(raw, url, peer, from, e, s, ex),
      )
      : this.#respond(raw, url, peer, res, ex, s, from);
  }

  /** The phases before the content, from phase `i`; synchronous while the hooks are. */
  #phases(ex: Exchange, s: Settings, content: Content, i: number): Response | Promise<Response> {
    for (; i < BEFORE.length; i++) {
      const phase = BEFORE[i];
      const hooks = s.hooks[phase];
      const added = ex.addedHooks(phase);
      if (hooks.length === 0 && added.length === 0) continue;
      const outcome = runPhase(phase, hooks, added, ex.req);
      if (outcome instanceof Promise) {
        const next = i + 1;
        return outcome.then((o) =>
          o === "continue" ? this.#phases(ex, s, content, next) : ended(ex, o, s)
        );
      }
      if (outcome !== "continue") return ended(ex, outcome, s);
    }
    return content.handle(ex);
  }

  /** The handler's response through the output filters and compression. */
  #respond(
    raw: Request,
    url: UrlParts,
    peer: Peer,
    res: Response,
    ex: Exchange,
    s: Settings,
    from: Origin,
  ): Response | Promise<Response> {
    if (ex.method !== "HEAD") {
      const filters = ex.outputFilters.length > 0
        ? [...s.outputFilters, ...ex.outputFilters]
        : s.outputFilters;
      // `ex.req` is made on first use: only when there is a filter to hand it to.
      if (filters.length > 0) res = filterOutput(res, filters, ex.req);
      if (s.compress) {
        return compress(res, ex.req).then((res) => this.#finish(raw, url, peer, res, from, ex));
      }
    }
    return this.#finish(raw, url, peer, res, from, ex);
  }

  /**
   * After the body: the log phase, the request's cleanups, the cleanup phase (none of which
   * delays the response); and the access-log line (not for an internal redirect's inner
   * request: the outer one logs).
   */
  #finish(
    raw: Request,
    url: UrlParts,
    peer: Peer,
    res: Response | Promise<Response>,
    from: Origin,
    ex?: Exchange,
  ): Response | Promise<Response> {
    return res instanceof Promise
      ? res.then((res) => this.#complete(raw, url, peer, res, from, ex))
      : this.#complete(raw, url, peer, res, from, ex);
  }

  #complete(
    raw: Request,
    url: UrlParts,
    peer: Peer,
    res: Response,
    from: Origin,
    ex?: Exchange,
  ): Response {
    if (ex && ex.settings.headers.length > 0) res = withDefaultHeaders(res, ex.settings.headers);
    if (ex && (ex.hasCleanups || hasAfterHooks(ex))) {
      res = afterBody(res, () => this.#after(ex));
    }
    const method = ex?.method ?? raw.method;
    if (from === null && method !== "GET" && method !== "HEAD") res = releaseUnreadBody(raw, res);
    if (from === null && this.accessLog) {
      const entry = {
        raw,
        url,
        remoteAddr: ex?.remoteAddr ??
          forwardedBy(this.site.trustProxy, raw, peer)?.client ?? peerAddress(peer),
        user: ex?.user,
        status: res.status,
        time: new Date(),
      };
      res = this.accessLog.record(entry, res);
    }
    return res;
  }

  async #after(ex: Exchange): Promise<void> {
    const s = ex.settings;
    for (const phase of ["log", "cleanup"] as const) {
      if (phase === "cleanup") await ex.cleanup();
      try {
        await runPhase(phase, s.hooks[phase], ex.addedHooks(phase), ex.req);
      } catch (e) {
        ex.log(`${phase} hook failed: ${e instanceof Error ? e.stack : e}`);
      }
    }
  }

  /**
   * The response for an error: an `HttpError`'s status (the directory's error document for it
   * if there is one), else a logged 500 — the debug page when the directory has debug on. A
   * client that asks for JSON gets the error as JSON, never an HTML error document.
   */
  #error(
    e: unknown,
    raw: Request,
    url: UrlParts,
    peer: Peer,
    from: Origin,
    s?: Settings,
    ex?: Exchange,
  ): Response | Promise<Response> {
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
    if (doc === undefined || from?.errorDocument || (ex && ex.redirects >= MAX_REDIRECTS)) {
      return page;
    }
    // What the document may show: the status, the message an HttpError carries (a crash's
    // own message stays in the log), and the request as the client made it.
    const answering = {
      error: { status: page.status, message: e instanceof HttpError ? e.message : statusText(500) },
      path: ex?.req.path ?? safeDecode(url.pathname),
      url: raw.url,
    };
    return this.#errorDocument(doc, page, raw, peer, ex, answering).catch((err) => {
      this.site.log(`error document ${doc} for ${page.status} failed: ${err}`);
      return page;
    });
  }

  /**
   * The page at `doc` (a URL path) fetched with GET, answering with the status and headers of
   * the plain `page` (a 401 keeps its challenge).
   */
  async #errorDocument(
    doc: string,
    page: Response,
    raw: Request,
    peer: Peer,
    ex: Exchange | undefined,
    answering: NonNullable<Exchange["answering"]>,
  ) {
    const target = new URL(doc, raw.url);
    const inner = new Request(target, { headers: raw.headers });
    const origin = { ex, errorDocument: answering };
    const res = await this.#route(inner, urlParts(target.href), peer, origin);
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
    return Promise.resolve(this.#route(next, urlParts(target.href), ex.peer, { ex }));
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

function ended(ex: Exchange, outcome: Exclude<Outcome, "continue">, s: Settings): Response {
  if (outcome === "done") return ex.respond();
  throw statusError(outcome, s.realm);
}

function hasAfterHooks(ex: Exchange): boolean {
  const h = ex.settings.hooks;
  return h.log.length > 0 || h.cleanup.length > 0 || ex.addedHooks("log").length > 0 ||
    ex.addedHooks("cleanup").length > 0;
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
  const reader = res.body.getReader();
  let finished = false;
  const finish = () => {
    if (!finished) {
      finished = true;
      done();
    }
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          finish();
        } else {
          controller.enqueue(value);
        }
      } catch (e) {
        controller.error(e);
        finish();
      }
    },
    async cancel(reason) {
      await reader.cancel(reason);
      finish();
    },
  });
  return new Response(body, res);
}
