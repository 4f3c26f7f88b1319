// One request as the server handles it: what came in, the response being built, the session,
// clean-ups and hooks. The dispatcher, the handlers and the session code work on this record;
// user code gets `exchange.req` (request_view.ts), which shows only the public API, so
// nothing here is reachable from user code.
import type { AnsweredError, Chunk, FilterFactory, Hook, Phase, Req } from "../api/request.ts";
import type { Session } from "../api/session.ts";
import type { Target } from "../dispatch/target.ts";
import type { Settings } from "../directory/settings.ts";
import type { UrlParts } from "../http/url_parts.ts";
import type { Validators } from "../http/conditional.ts";
import type { ModuleLoader } from "../modules/loader.ts";
import type { LiveReload } from "../dev/live_reload.ts";
import type { EventStreams } from "../server/event_streams.ts";
import type { OpenSession, SessionSource } from "../session/session.ts";
import type { SessionSettings } from "../session/settings.ts";
import { HttpError } from "../http/status.ts";
import { type Forwarded, forwardedFor, type TrustList } from "../http/forwarded.ts";
import { CookieJar } from "./cookies.ts";
import { limitedBody, MAX_IN_MEMORY } from "./body.ts";
import { addBody, type Form, queryForm } from "./form.ts";
import { type Bytes, joinChunks, Output } from "./output.ts";
import { RequestView } from "./request_view.ts";
import { deadline } from "../util/deadlines.ts";

/** What every request of a site shares. */
export interface SiteEnv {
  /** The document root, as a real path. */
  root: string;
  /** Renders a server page (set when a page handler is registered). */
  render?: (ex: Exchange, file: string, data: unknown) => Promise<Response>;
  /** Runs the whole pipeline for another path of this site (set by the dispatcher). */
  internalRedirect?: (ex: Exchange, path: string) => Promise<Response>;
  uploadDir: string;
  /** Proxies whose forwarding headers are believed (`--trust-proxy`). */
  trustProxy: TrustList;
  sessions: SessionSource;
  /** User code: modules, pages and `_directory.ts`, one graph for the site. */
  modules: ModuleLoader;
  /** Whether the connections can carry a WebSocket (the connection guard's cannot). */
  websockets: boolean;
  /** Logs (at most once a second) that an upgrade failed because of the connection guard. */
  upgradeFailed?: () => void;
  /** Inside an interpreter: the form the server has already read for `raw`, if it did. */
  formOf?: (raw: Request) => Form | undefined;
  /** Development: pages reload when files change (`--live-reload`). */
  liveReload?: LiveReload;
  /** Server-sent event streams, ended at shutdown. */
  eventStreams: EventStreams;
  log(message: string): void;
}

/**
 * Who is on the other end: `Deno.serve`'s handler info. Its address is read only when used
 * (each read is a call into Deno, and most requests never need it).
 */
export interface Peer {
  /** A Unix socket's peer has no hostname. */
  readonly remoteAddr: Deno.Addr | { readonly hostname: string };
}

/** A request with no connection behind it (a test, a framework that passes none). */
export const NO_PEER: Peer = { remoteAddr: { hostname: "" } };

/** What trusted forwarding headers say of `raw`'s client; null when none apply. */
export function forwardedBy(trust: TrustList, raw: Request, peer: Peer): Forwarded | null {
  if (trust.empty) return null;
  return forwardedFor(trust, peerAddress(peer), (name) => raw.headers.get(name));
}

/**
 * The peer's IP address, "" where it has none: a Unix socket (whose address Deno 2.9.6 throws
 * on reading when served one connection at a time), or a caller that passed no connection.
 */
export function peerAddress(peer: Peer): string {
  try {
    const addr = peer.remoteAddr;
    return typeof addr === "object" && addr !== null && "hostname" in addr ? addr.hostname : "";
  } catch {
    return "";
  }
}

/** The content type of plain text answers, spelt as fetch spells a text body's. */
export const PLAIN_TEXT = "text/plain;charset=UTF-8";

export class Exchange {
  readonly method: string;
  /** Where uploads go: the site's, or for an interpreter's request its own (the isolate's). */
  uploadDir: string;
  status = 200;
  contentType?: string;
  user?: string;
  /** How many internal redirects led here. */
  redirects = 0;
  /** For an error document: the error it answers, and the request that met it. */
  answering?: { error: AnsweredError; path: string; url: string };

  #raw: Request;
  /** The request as it came, whatever replaces `#raw`: what the site keys its records by. */
  readonly #origin: Request;
  /** Whether `#raw`'s body is bounded already (see `raw`). */
  #bounded = false;
  #headersOut?: Headers;
  #cookies?: CookieJar;
  #form?: Form;
  #formParsing?: Promise<Form>;
  // Allocated on first use: most requests never need them.
  #cleanups?: Array<() => unknown>;
  #uploads?: string[];
  validators?: Validators;
  #output?: Output;
  #session?: Promise<OpenSession>;
  /** The session's handle once open (the response needs it synchronously). */
  #handle?: OpenSession;
  #sessionObject?: Promise<Session>;
  #sessionEnd?: Promise<void>;
  #hooks?: Partial<Record<Phase, Hook[]>>;
  #outputFilters?: FilterFactory[];
  #req?: Req;
  #forwarded?: Forwarded | null;

  constructor(
    raw: Request,
    /** The path and query the dispatcher routed on (see src/http/url_parts.ts). */
    readonly parts: UrlParts,
    readonly target: Target,
    readonly site: SiteEnv,
    /** Who sent the request (replaced by its address alone at a WebSocket upgrade). */
    public peer: Peer,
    /** The effective `_directory.ts` settings of the target's directory. */
    readonly settings: Settings,
  ) {
    this.#raw = this.#origin = raw;
    this.method = raw.method;
    this.uploadDir = site.uploadDir;
  }

  /** What user code holds: the public API of this exchange (made on first use: static files never need it). */
  get req(): Req {
    return this.#req ??= new RequestView(this);
  }

  /**
   * The Web Request (its body through the input filters, if any), its body bounded by the
   * directory's `maxBodySize` whoever reads it — a mounted app, `req.raw.body` — with 413 at
   * once for a larger Content-Length. Made on first use: most requests have no body.
   */
  get raw(): Request {
    if (this.#bounded || this.method === "GET" || this.method === "HEAD") return this.#raw;
    this.#bounded = true;
    const raw = this.#raw;
    if (raw.body === null || raw.bodyUsed) return raw;
    return this.#raw = withBody(raw, limitedBody(raw, this.settings.maxBodySize));
  }

  /** The incoming headers. A getter: Deno builds them on first access, which has a cost. */
  get headers(): Headers {
    return this.#raw.headers;
  }

  /** What a trusted proxy says of the client (null: no trusted proxy in between). */
  get forwarded(): Forwarded | null {
    if (this.#forwarded === undefined) {
      this.#forwarded = forwardedBy(this.site.trustProxy, this.#raw, this.peer);
    }
    return this.#forwarded;
  }

  get remoteAddr(): string {
    return this.forwarded?.client ?? peerAddress(this.peer);
  }

  get isHttps(): boolean {
    return this.forwarded?.https ?? this.#raw.url.startsWith("https:");
  }

  /** The URL the client asked for: scheme and host as a trusted proxy says, if one does. */
  get url(): string {
    const f = this.forwarded;
    if (f === null || (f.https === undefined && f.host === undefined)) return this.#raw.url;
    // Rebuilt as text: a URL object cannot change `http+unix:` (a Unix socket's) into `https:`.
    const raw = new URL(this.#raw.url);
    const scheme = f.https === undefined
      ? (raw.protocol === "https:" ? "https:" : "http:")
      : f.https
      ? "https:"
      : "http:";
    return `${scheme}//${f.host ?? raw.host}${raw.pathname}${raw.search}`;
  }

  get headersOut(): Headers {
    return this.#headersOut ??= new Headers();
  }

  get cookies(): CookieJar {
    return this.#cookies ??= new CookieJar(
      () => this.headers.get("cookie"),
      () => this.headersOut,
      this.isHttps,
    );
  }

  // ---- output --------------------------------------------------------------------------

  // Created on first use: static files and most handlers never write.
  get #out(): Output {
    return this.#output ??= new Output();
  }

  write(chunk: Chunk): void {
    this.#out.write(chunk);
  }

  flush(): Promise<void> {
    return this.#out.start(this.#init(), this.method);
  }

  /** Whether `req.write` has put anything in the body. */
  get hasOutput(): boolean {
    const out = this.#output;
    return out !== undefined && (out.chunks.length > 0 || out.streaming);
  }

  get aborted(): boolean {
    return this.#out.aborted;
  }

  /**
   * The response: status, headers and content type, the body written so far, then `body`.
   * HEAD gets the same headers and no body.
   */
  respond(body: Chunk | ReadableStream<Bytes> | null = null): Response {
    if (
      typeof body === "string" && this.#headersOut === undefined && this.status === 200 &&
      this.contentType === PLAIN_TEXT && this.method !== "HEAD" && !this.#output
    ) {
      // The fetch standard makes a text body text/plain;charset=UTF-8 by itself, and a
      // Response without an init skips header conversion: a third of a small call's cost.
      return new Response(body);
    }
    const init = this.#init();
    const chunks = this.#output?.chunks ?? [];
    let payload: BodyInit | null = body;
    if (chunks.length > 0) {
      payload = body instanceof ReadableStream ? prepend(joinChunks(chunks), body) : joinChunks(
        body === null ? chunks : [...chunks, body],
      );
    }
    if (this.method === "HEAD") {
      if (typeof payload === "string") payload = new TextEncoder().encode(payload);
      if (payload instanceof Uint8Array) {
        const headers = new Headers(init.headers);
        headers.set("content-length", String(payload.length));
        init.headers = headers;
      }
      payload = null;
    }
    return new Response(payload, init);
  }

  #init(): ResponseInit {
    this.#handle?.withdrawCookieIfUnused();
    if (this.#headersOut === undefined) {
      // The common case: a plain array is cheaper than a Headers that Response copies anyway.
      const type = this.contentType;
      return { status: this.status, headers: type === undefined ? [] : [["content-type", type]] };
    }
    const headers = new Headers(this.#headersOut);
    if (this.contentType !== undefined) headers.set("content-type", this.contentType);
    return { status: this.status, headers };
  }

  /**
   * `res` (a Response a handler built itself) with the cookies set through `req` — the
   * session's among them, which would otherwise be lost.
   */
  withCookies(res: Response): Response {
    this.#handle?.withdrawCookieIfUnused();
    const cookies = this.#headersOut?.getSetCookie() ?? [];
    if (cookies.length === 0) return res;
    // A response made from this request (`req.redirect`, `req.render`) has them already.
    const present = new Set(res.headers.getSetCookie());
    const missing = cookies.filter((c) => !present.has(c));
    if (missing.length === 0) return res;
    // Deno upgrades only the very Response it made: a WebSocket's 101 gets them in place.
    const out = res.status === 101 ? res : new Response(res.body, res);
    for (const c of missing) out.headers.append("set-cookie", c);
    return out;
  }

  /**
   * Runs a content handler. A synchronous answer is returned as it is (the static-file hot
   * path); otherwise the response is whichever comes first: the handler's, or the streamed
   * one that `flush()` starts.
   */
  run(handler: {
    handle(ex: Exchange): Response | Promise<Response>;
    /** Keeps a time limit of its own (an interpreter's isolate): none is set here. */
    readonly timed?: boolean;
  }): Response | Promise<Response> {
    let result;
    try {
      result = handler.handle(this);
    } catch (e) {
      if (this.#session) return this.#endSession(false).then(() => Promise.reject(e));
      throw e;
    }
    if (result instanceof Promise) {
      return this.#settle(result, handler.timed ? 0 : this.settings.requestTimeout);
    }
    return this.#session ? this.#endSession(true).then(() => result) : result;
  }

  async #settle(result: Promise<Response>, limit: number): Promise<Response> {
    const out = this.#out;
    const work = (async () => {
      try {
        const res = await result;
        if (this.#session) await this.#endSession(true);
        return out.streaming ? await out.end(res.body) : res;
      } catch (e) {
        if (this.#session) await this.#endSession(false);
        if (!out.streaming) throw e;
        this.log(`error after the response started: ${e instanceof Error ? e.stack : e}`);
        return out.abort(e);
      }
    })();
    if (limit <= 0) return await Promise.race([work, out.started]);
    // PHP's max_execution_time, for promises: the answer a handler owes by then is a 503. The
    // handler itself runs on (nothing can stop it in-process); its session is released now,
    // unsaved, and what it does later is only logged.
    const expired = Promise.withResolvers<typeof TIMED_OUT>();
    const timer = deadline(limit * 1000, () => expired.resolve(TIMED_OUT));
    try {
      const first = await Promise.race([work, out.started, expired.promise]);
      if (first !== TIMED_OUT) return first;
    } finally {
      timer.cancel();
    }
    work.catch((e) =>
      this.log(`failed after its ${limit}s limit: ${e instanceof Error ? e.stack : e}`)
    );
    if (this.#session) void this.#endSession(false);
    throw new HttpError(503, `The request took longer than ${limit} seconds.`);
  }

  // ---- WebSocket -----------------------------------------------------------------------

  /**
   * Accepts this request's WebSocket upgrade (`req.upgradeWebSocket`). The phases have run by
   * now; the session is saved and its lock released when the handler returns the response,
   * as for any request, so it is never held for the socket's life.
   */
  upgradeWebSocket(options?: Deno.UpgradeWebSocketOptions): Deno.WebSocketUpgrade {
    if (this.#raw.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      throw new HttpError(426, "This address takes WebSocket connections.", {
        upgrade: "websocket",
        connection: "Upgrade",
      });
    }
    if (!this.site.websockets) {
      this.site.upgradeFailed?.();
      throw new HttpError(501, "This server does not take WebSocket connections.");
    }
    // Deno closes an upgraded request's headers and address: what `req` reads of them is
    // taken now, so that the handler (and its socket's listeners) can go on reading it.
    const raw = this.#raw;
    const headers = new Headers(raw.headers);
    void this.forwarded;
    this.peer = { remoteAddr: { hostname: peerAddress(this.peer) } };
    const upgrade = Deno.upgradeWebSocket(raw, options);
    this.#raw = new Request(raw.url, { method: raw.method, headers });
    return upgrade;
  }

  // ---- session -------------------------------------------------------------------------

  /**
   * The request's session, loaded (waiting for its lock) or new; the same object on every
   * call. Saved and released when the handler is done (SPEC §5, docs/sessions.md). An
   * interpreter's request passes the settings of its own `_directory.ts` chain.
   */
  session(settings: SessionSettings = this.settings.session): Promise<Session> {
    this.#session ??= this.site.sessions.open(this.cookies, this.#origin, settings)
      .then((handle) => this.#handle = handle);
    return this.#sessionObject ??= this.#session.then((h) => h.session);
  }

  /** An internal redirect's request takes over this one's session (no self-deadlock). */
  takeSession(from: Exchange): void {
    this.#session = from.#session;
    this.#handle = from.#handle;
    this.#sessionObject = from.#sessionObject;
  }

  /** Saves the data (`commit`, else only releases) and hands the lock on; once. */
  #endSession(commit: boolean): Promise<void> {
    return this.#sessionEnd ??= this.#session!.then(
      (handle) => handle.close(commit),
      () => {},
    );
  }

  // ---- form ----------------------------------------------------------------------------

  /** Reads the query string and the body once; synchronous when there is no body to read. */
  loadForm(): Form | Promise<Form> {
    if (this.#form) return this.#form;
    if (this.#formParsing) return this.#formParsing;
    const given = this.site.formOf?.(this.#origin);
    if (given) return this.#form = given;
    const query = queryForm(this.parts.search);
    // GET and HEAD bodies carry no form (and reading headers has a cost on the hot path).
    if (this.method === "GET" || this.method === "HEAD") return this.#form = query;
    const parsed = addBody(
      this.#raw,
      query,
      {
        maxBodySize: this.settings.maxBodySize,
        maxInMemory: MAX_IN_MEMORY,
        uploadDir: this.uploadDir,
      },
      (path) => (this.#uploads ??= []).push(path),
    );
    if (!(parsed instanceof Promise)) return this.#form = parsed;
    return this.#formParsing = parsed.then((form) => this.#form = form);
  }

  /** The form once parsed. */
  get form(): Form | undefined {
    return this.#form;
  }

  // ---- phases and filters --------------------------------------------------------------

  addHandler(phase: Phase, hook: Hook): void {
    ((this.#hooks ??= {})[phase] ??= []).push(hook);
  }

  /** The hooks this request added to `phase` (a live list). */
  addedHooks(phase: Phase): readonly Hook[] {
    return this.#hooks?.[phase] ?? NO_HOOKS;
  }

  addOutputFilter(filter: FilterFactory): void {
    (this.#outputFilters ??= []).push(filter);
  }

  get outputFilters(): readonly FilterFactory[] {
    return this.#outputFilters ?? NO_FILTERS;
  }

  /** Sends the request body through `filters` before anything reads it. */
  filterInput(filters: readonly FilterFactory[]): void {
    const raw = this.#raw;
    if (raw.body === null || filters.length === 0) return;
    // The limit bounds what the client sends, before any filter.
    let body = limitedBody(raw, this.settings.maxBodySize)!;
    for (const f of filters) body = body.pipeThrough(f(this.req));
    const headers = new Headers(raw.headers);
    headers.delete("content-length");
    this.#raw = withBody(raw, body, headers);
    this.#bounded = true;
  }

  // ---- after the response --------------------------------------------------------------

  log(message: string): void {
    this.site.log(`[${this.method} ${this.target.scriptPath + this.target.pathInfo}] ${message}`);
  }

  registerCleanup(fn: () => unknown): void {
    (this.#cleanups ??= []).push(fn);
  }

  get hasCleanups(): boolean {
    return this.#cleanups !== undefined || this.#uploads !== undefined;
  }

  /**
   * After the response: removes uploaded temp files (a handler that keeps an upload moves it
   * first), then runs the registered cleanups in order; a failing one is logged.
   */
  async cleanup(): Promise<void> {
    await Promise.all((this.#uploads ?? []).map((p) => Deno.remove(p).catch(() => {})));
    for (const fn of this.#cleanups ?? []) {
      try {
        await fn();
      } catch (e) {
        this.log(`cleanup failed: ${e instanceof Error ? e.stack : e}`);
      }
    }
  }
}

/** `raw` with another body (and headers): the same method, URL and abort signal. */
function withBody(raw: Request, body: ReadableStream<Uint8Array> | null, headers = raw.headers) {
  return new Request(raw.url, { method: raw.method, headers, body, signal: raw.signal });
}

const NO_HOOKS: readonly Hook[] = [];
const TIMED_OUT = Symbol("timed out");
const NO_FILTERS: readonly FilterFactory[] = [];

function prepend(head: Chunk, rest: ReadableStream<Bytes>) {
  const first = typeof head === "string" ? new TextEncoder().encode(head) : head;
  return rest.pipeThrough(
    new TransformStream<Bytes, Bytes>({
      start(controller) {
        controller.enqueue(first);
      },
    }),
  );
}
