import { preconditionStatus, type Validators } from "../http/conditional.ts";
import { normalize } from "node:path";
import { escapeHtml } from "../http/html.ts";
import { HttpError } from "../http/status.ts";
import { basicCredentials, type Credentials } from "../http/basic_auth.ts";
import type { UrlParts } from "../http/url_parts.ts";
import type { FileKind } from "../dispatch/names.ts";
import { type FileStat, statOrNull } from "../fs/stat.ts";
import { fileResponse } from "../static/file_response.ts";
import { makeEntry, withHeaders } from "../static/file_entry.ts";
import {
  cookieHeader,
  type CookieOptions,
  parseCookies,
  readSignedCookie,
  signedCookieHeader,
} from "./cookies.ts";
import type { SessionManager } from "../session/manager.ts";
import type { Session, SessionHandle } from "../session/session.ts";
import type { FilterFactory, Hook, Phase, Settings } from "../directory/settings.ts";
import { type Form, parseForm } from "./form.ts";
import { type Bytes, type Chunk, joinChunks, Output } from "./output.ts";

/** The file a URL resolved to (see src/dispatch/resolve.ts). */
export interface Target {
  /** Absolute path of the file. */
  file: string;
  kind: FileKind;
  /** The URL path of the file itself (`/app/hello.ts` or `/app/hello`), decoded. */
  scriptPath: string;
  /** What the URL has beyond the file, decoded, e.g. `/say`; "" when nothing. */
  pathInfo: string;
  /** The file's stat, at most a second old. */
  stat: FileStat;
}

/**
 * A target that is no file of its own (a mounted app, the diagnostics page): `file` names
 * what stands for it, for `req.filename` and relative paths.
 */
export function virtualTarget(file: string, scriptPath: string, pathInfo: string): Target {
  return {
    file,
    kind: "static",
    scriptPath,
    pathInfo,
    stat: { isFile: true, isDirectory: false, size: 0, mtimeMs: 0 },
  };
}

/** What every request of a site shares. */
export interface SiteEnv {
  /** The document root, as a real path. */
  root: string;
  /** Renders a server page (set when a page handler is registered). */
  render?: (req: Req, file: string, data: unknown) => Promise<Response>;
  /** Runs the whole pipeline for another path of this site (set by the dispatcher). */
  internalRedirect?: (req: Req, path: string) => Promise<Response>;
  uploadDir: string;
  sessions: SessionManager;
  log(message: string): void;
}

/** The content type of plain text answers, spelt as fetch spells a text body's. */
export const PLAIN_TEXT = "text/plain;charset=UTF-8";

/** Bodies buffered in memory (urlencoded forms) stop here even under a larger body limit. */
const MAX_IN_MEMORY = 8 * 1024 * 1024;

/**
 * `req`: one per request, handed to publisher functions, pages and hooks (SPEC §4). It
 * collects the status, headers and body the handler produces and turns them into a Response.
 */
export class Req {
  readonly method: string;
  /** The decoded URL path. */
  readonly path: string;
  readonly pathInfo: string;
  /** The absolute path of the file this URL resolved to. */
  readonly filename: string;
  status = 200;
  /** Wins over a content type a handler would guess. */
  contentType?: string;
  /** Set by authentication (publisher `__auth__`, an `authen` hook). */
  user?: string;
  /** The per-directory options (`config.options` of the `_directory.ts` chain). */
  readonly options: Readonly<Record<string, string>>;
  /** How many internal redirects led here. */
  redirects = 0;

  #raw: Request;
  #headersOut?: Headers;
  #cookies?: Record<string, string>;
  #form?: Form;
  #formParsing?: Promise<Form>;
  // Allocated on first use: most requests never need them.
  #cleanups?: Array<() => unknown>;
  #uploads?: string[];
  #validators?: Validators;
  #output?: Output;
  #session?: Promise<SessionHandle>;
  #sessionObject?: Promise<Session>;
  #hooks?: Partial<Record<Phase, Hook[]>>;
  #outputFilters?: FilterFactory[];

  #url?: URL;

  constructor(
    raw: Request,
    /** The path and query the dispatcher routed on (see src/http/url_parts.ts). */
    readonly parts: UrlParts,
    readonly target: Target,
    readonly site: SiteEnv,
    readonly remoteAddr: string,
    /** The effective `_directory.ts` settings of the target's directory. */
    readonly settings: Settings,
  ) {
    this.#raw = raw;
    this.method = raw.method;
    this.path = target.scriptPath + target.pathInfo;
    this.pathInfo = target.pathInfo;
    this.filename = target.file;
    this.options = settings.options;
  }

  /** The Web Request (its body through the input filters, if any). */
  get raw(): Request {
    return this.#raw;
  }

  /** The incoming headers. A getter: Deno builds them on first access, which has a cost. */
  get headers(): Headers {
    return this.raw.headers;
  }

  /** The request URL; built on first use (most handlers only need path and query). */
  get url(): URL {
    return this.#url ??= new URL(this.raw.url);
  }

  get query(): URLSearchParams {
    return this.url.searchParams;
  }

  get headersOut(): Headers {
    return this.#headersOut ??= new Headers();
  }

  get isHttps(): boolean {
    return this.raw.url.startsWith("https:");
  }

  // ---- output --------------------------------------------------------------------------

  // Created on first use: static files and most handlers never write.
  get #out(): Output {
    return this.#output ??= new Output();
  }

  /** Appends to the body; buffered until the handler returns or `flush()` is called. */
  write(chunk: Chunk): void {
    this.#out.write(chunk);
  }

  /** Sends the status, headers and what was written so far; later writes stream out. */
  flush(): Promise<void> {
    return this.#out.start(this.#init(), this.method);
  }

  /** True once the client has gone away during a streamed response. */
  get aborted(): boolean {
    return this.#out.aborted;
  }

  /**
   * The response: status, headers and content type from `req`, the body written so far,
   * then `body`. HEAD gets the same headers and no body.
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
   * Runs a content handler. A synchronous answer is returned as it is (the static-file hot
   * path); otherwise the response is whichever comes first: the handler's, or the streamed
   * one that `flush()` starts.
   */
  run(handler: (req: Req) => Response | Promise<Response>): Response | Promise<Response> {
    let result;
    try {
      result = handler(this);
    } catch (e) {
      if (this.#session) return this.#endSession(false).then(() => Promise.reject(e));
      throw e;
    }
    if (result instanceof Promise) return this.#settle(result);
    return this.#session ? this.#endSession(true).then(() => result) : result;
  }

  async #settle(result: Promise<Response>): Promise<Response> {
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
    return await Promise.race([work, out.started]);
  }

  // ---- session -------------------------------------------------------------------------

  /**
   * The request's session, loaded (waiting for its lock) or new; the same object on every
   * call. Saved and released when the handler is done (SPEC §5, docs/sessions.md).
   */
  session(): Promise<Session> {
    this.#session ??= this.site.sessions.open(this, this.settings.session);
    return this.#sessionObject ??= this.#session.then((h) => h.session);
  }

  /** An internal redirect's request takes over this one's session (no self-deadlock). */
  takeSession(from: Req): void {
    this.#session = from.#session;
    this.#sessionObject = from.#sessionObject;
  }

  /** Saves the data (`commit`, else only releases) and hands the lock on. */
  async #endSession(commit: boolean): Promise<void> {
    const handle = await this.#session!.catch(() => null);
    await handle?.close(commit);
  }

  // ---- cookies -------------------------------------------------------------------------

  get cookies(): Readonly<Record<string, string>> {
    return this.#cookies ??= parseCookies(this.headers.get("cookie"));
  }

  /** Adds a Set-Cookie; HttpOnly, SameSite=Lax, Path=/ and (on HTTPS) Secure by default. */
  setCookie(name: string, value: string, options: CookieOptions = {}): void {
    this.headersOut.append("set-cookie", cookieHeader(name, value, options, this.isHttps));
  }

  /**
   * `res` (a Response a handler built itself) with the cookies set through `req` — the
   * session's among them, which would otherwise be lost.
   */
  withCookies(res: Response): Response {
    const cookies = this.#headersOut?.getSetCookie() ?? [];
    if (cookies.length === 0) return res;
    const out = new Response(res.body, res);
    for (const c of cookies) out.headers.append("set-cookie", c);
    return out;
  }

  /** The value of a signed cookie; false if its HMAC-SHA256 does not hold; undefined if absent. */
  signedCookie(name: string, secret: string): Promise<string | false | undefined> {
    return readSignedCookie(this.headers.get("cookie"), name, secret);
  }

  async setSignedCookie(
    name: string,
    value: string,
    secret: string,
    options: CookieOptions = {},
  ): Promise<void> {
    this.headersOut.append(
      "set-cookie",
      await signedCookieHeader(name, value, secret, options, this.isHttps),
    );
  }

  // ---- form ----------------------------------------------------------------------------

  /** Reads the query string and the (urlencoded or multipart) body once; then `req.form`. */
  parseForm(): Promise<Form> {
    return Promise.resolve(this.loadForm());
  }

  /** `parseForm()`, synchronous when there is no body to read (for handlers' hot paths). */
  loadForm(): Form | Promise<Form> {
    if (this.#form) return this.#form;
    if (this.#formParsing) return this.#formParsing;
    const parsed = parseForm(
      this.raw,
      this.parts.search,
      {
        maxBodySize: this.settings.maxBodySize,
        maxInMemory: MAX_IN_MEMORY,
        uploadDir: this.site.uploadDir,
      },
      (path) => (this.#uploads ??= []).push(path),
    );
    if (!(parsed instanceof Promise)) return this.#form = parsed;
    return this.#formParsing = parsed.then((form) => this.#form = form);
  }

  get form(): Form {
    if (!this.#form) throw new Error("req.form is not parsed yet: await req.parseForm() first");
    return this.#form;
  }

  // ---- redirects, files, conditions ----------------------------------------------------

  /**
   * A server page rendered as the response, with `it` = `data`. `page` is relative to this
   * request's file, or to the document root when it starts with `/`.
   */
  render(page: string, data: unknown = {}): Promise<Response> {
    const render = this.site.render;
    if (!render) return Promise.reject(new Error("no server page handler is registered"));
    const file = page.startsWith("/")
      ? `${this.site.root}${page}`
      : `${this.filename.replace(/[^/]*$/, "")}${page}`;
    return render(this, normalize(file), data);
  }

  /** A redirect with an HTML-escaped body; a location holding CR or LF is refused (400). */
  redirect(location: string, status = 302): Response {
    if (/[\r\n]/.test(location)) throw new HttpError(400, "The redirect location is invalid.");
    const url = escapeHtml(location);
    this.headersOut.set("location", location);
    this.contentType = "text/html; charset=utf-8";
    this.status = status;
    return this.respond(
      `<!doctype html>\n<title>Redirect</title>\n<p>The document has moved <a href="${url}">here</a>.</p>\n`,
    );
  }

  /**
   * Sends the file at `path` (absolute, or relative to this request's file) with the same
   * validators, conditional and range handling as static files; `offset`/`length` select a
   * part of it, which then counts as the whole representation.
   */
  async sendFile(path: string, { offset = 0, length }: { offset?: number; length?: number } = {}) {
    const full = path.startsWith("/") ? path : `${this.filename.replace(/[^/]*$/, "")}${path}`;
    const stat = await statOrNull(full);
    if (!stat?.isFile) throw new HttpError(404);
    const entry = makeEntry(full, stat, this.contentType);
    const start = Math.min(offset, stat.size);
    const size = Math.min(length ?? stat.size - start, stat.size - start);
    const headers = new Headers(this.#headersOut);
    if (start === 0 && size === stat.size) return fileResponse(this.raw, entry, headers);
    // A part is its own representation: its own length, and an ETag that names the window.
    const part = withHeaders({
      ...entry,
      size,
      etag: entry.etag.replace(/"$/, `-${start}-${size}"`),
    });
    return fileResponse(this.raw, part, headers, start);
  }

  setEtag(etag: string): void {
    const value = /^(W\/)?"/.test(etag) ? etag : `"${etag}"`;
    (this.#validators ??= {}).etag = value;
    this.headersOut.set("etag", value);
  }

  setLastModified(time: Date | number): void {
    const ms = Math.floor(Math.min(Number(time), Date.now()) / 1000) * 1000;
    (this.#validators ??= {}).lastModified = ms;
    this.headersOut.set("last-modified", new Date(ms).toUTCString());
  }

  /**
   * Checks the request's preconditions against the validators set with `setEtag` and
   * `setLastModified`: 200 to go on, or 304/412, which `req.status` is also set to.
   */
  meetsConditions(): 200 | 304 | 412 {
    const result = preconditionStatus(this.headers, this.method, this.#validators ?? {});
    if (result !== 200) this.status = result;
    return result;
  }

  /**
   * The Basic credentials the client sent (for an `authen` hook): undefined when there are
   * none; a malformed header is a 400.
   */
  basicAuth(): Credentials | undefined {
    return basicCredentials(this.headers);
  }

  // ---- phases and filters --------------------------------------------------------------

  /** Adds a hook to a phase of this request (one that has not run yet, or the current one). */
  addHandler(phase: Phase, hook: Hook): void {
    ((this.#hooks ??= {})[phase] ??= []).push(hook);
  }

  /** The hooks this request added to `phase` (a live list). */
  addedHooks(phase: Phase): readonly Hook[] {
    return this.#hooks?.[phase] ?? NO_HOOKS;
  }

  /** Passes the response body through one more stream, after the directories' filters. */
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
    let body: ReadableStream<Uint8Array> = raw.body;
    for (const f of filters) body = body.pipeThrough(f(this));
    const headers = new Headers(raw.headers);
    headers.delete("content-length");
    this.#raw = new Request(raw.url, {
      method: raw.method,
      headers,
      body,
      signal: raw.signal,
    });
  }

  /**
   * Answers with what `path` (a URL path, with a query if any, on this site) answers: the
   * whole pipeline runs again for it. The method and body stay this request's.
   */
  internalRedirect(path: string): Promise<Response> {
    const redirect = this.site.internalRedirect;
    if (!redirect) return Promise.reject(new Error("internal redirects are not available"));
    return redirect(this, path);
  }

  // ---- misc ----------------------------------------------------------------------------

  /** An absolute URL on this server for `path` (relative paths resolve against this URL). */
  constructUrl(path: string): string {
    return new URL(path, this.url).href;
  }

  log(message: string): void {
    this.site.log(`[${this.method} ${this.path}] ${message}`);
  }

  /** `fn` runs after the response has been sent, even when the handler failed. */
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

const NO_HOOKS: readonly Hook[] = [];
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
