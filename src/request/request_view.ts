// `req` as user code gets it: the public API (src/api/request.ts) over an Exchange that it
// keeps in a private field, so the dispatcher's side of a request (settings, the site,
// sessions' handles, running and cleaning up) is out of user code's reach.
import { normalize } from "node:path";
import type {
  AnsweredError,
  Chunk,
  CookieOptions,
  Credentials,
  FilterFactory,
  Hook,
  Phase,
  Req,
} from "../api/request.ts";
import type { Session } from "../api/session.ts";
import { basicCredentials } from "../http/basic_auth.ts";
import { preconditionStatus } from "../http/conditional.ts";
import { escapeHtml } from "../http/html.ts";
import { locationHeader } from "../http/location.ts";
import { HttpError } from "../http/status.ts";
import { statOrNull } from "../fs/stat.ts";
import { fileResponse } from "../static/file_response.ts";
import { makeEntry, withHeaders } from "../static/file_entry.ts";
import type { Exchange } from "./exchange.ts";
import type { Form } from "./form.ts";
import type { Bytes } from "./output.ts";

export class RequestView implements Req {
  readonly method: string;
  readonly path: string;
  readonly pathInfo: string;
  readonly filename: string;
  readonly options: Readonly<Record<string, string>>;
  #ex: Exchange;
  #url?: URL;

  constructor(ex: Exchange) {
    this.#ex = ex;
    this.method = ex.method;
    this.path = ex.answering?.path ?? ex.target.scriptPath + ex.target.pathInfo;
    this.pathInfo = ex.target.pathInfo;
    this.filename = ex.target.file;
    this.options = ex.settings.options;
  }

  get raw(): Request {
    return this.#ex.raw;
  }

  get headers(): Headers {
    return this.#ex.headers;
  }

  /** Built on first use: most handlers only need path and query. */
  get url(): URL {
    return this.#url ??= new URL(this.#ex.answering?.url ?? this.#ex.url);
  }

  get error(): AnsweredError | undefined {
    return this.#ex.answering?.error;
  }

  get query(): URLSearchParams {
    return this.url.searchParams;
  }

  get isHttps(): boolean {
    return this.#ex.isHttps;
  }

  get remoteAddr(): string {
    return this.#ex.remoteAddr;
  }

  get user(): string | undefined {
    return this.#ex.user;
  }
  set user(user: string | undefined) {
    this.#ex.user = user;
  }

  // ---- the response ----------------------------------------------------------------------

  get status(): number {
    return this.#ex.status;
  }
  set status(status: number) {
    this.#ex.status = status;
  }

  get contentType(): string | undefined {
    return this.#ex.contentType;
  }
  set contentType(type: string | undefined) {
    this.#ex.contentType = type;
  }

  get headersOut(): Headers {
    return this.#ex.headersOut;
  }

  write(chunk: Chunk): void {
    this.#ex.write(chunk);
  }

  flush(): Promise<void> {
    return this.#ex.flush();
  }

  get aborted(): boolean {
    return this.#ex.aborted;
  }

  respond(body?: Chunk | ReadableStream<Bytes> | null): Response {
    return this.#ex.respond(body);
  }

  // ---- cookies, form, session ------------------------------------------------------------

  get cookies(): Readonly<Record<string, string>> {
    return this.#ex.cookies.received;
  }

  setCookie(name: string, value: string, options?: CookieOptions): void {
    this.#ex.cookies.set(name, value, options);
  }

  signedCookie(name: string, secret: string): Promise<string | false | undefined> {
    return this.#ex.cookies.signed(name, secret);
  }

  setSignedCookie(
    name: string,
    value: string,
    secret: string,
    options?: CookieOptions,
  ): Promise<void> {
    return this.#ex.cookies.setSigned(name, value, secret, options);
  }

  parseForm(): Promise<Form> {
    return Promise.resolve(this.#ex.loadForm());
  }

  loadForm(): Form | Promise<Form> {
    return this.#ex.loadForm();
  }

  get form(): Form {
    const form = this.#ex.form;
    if (!form) throw new Error("req.form is not parsed yet: await req.parseForm() first");
    return form;
  }

  session(): Promise<Session> {
    return this.#ex.session();
  }

  // ---- other answers -----------------------------------------------------------------------

  render(page: string, data: unknown = {}): Promise<Response> {
    const ex = this.#ex;
    const render = ex.site.render;
    if (!render) return Promise.reject(new Error("no server page handler is registered"));
    const file = page.startsWith("/")
      ? `${ex.site.root}${page}`
      : `${this.filename.replace(/[^/]*$/, "")}${page}`;
    return render(ex, normalize(file), data);
  }

  redirect(location: string, status = 302): Response {
    const target = locationHeader(location);
    const url = escapeHtml(target);
    const ex = this.#ex;
    ex.headersOut.set("location", target);
    ex.contentType = "text/html; charset=utf-8";
    ex.status = status;
    return ex.respond(
      `<!doctype html>\n<title>Redirect</title>\n<p>The document has moved <a href="${url}">here</a>.</p>\n`,
    );
  }

  async sendFile(path: string, { offset = 0, length }: { offset?: number; length?: number } = {}) {
    const full = path.startsWith("/") ? path : `${this.filename.replace(/[^/]*$/, "")}${path}`;
    const stat = await statOrNull(full);
    if (!stat?.isFile) throw new HttpError(404);
    const ex = this.#ex;
    const entry = makeEntry(full, stat, ex.contentType);
    const start = Math.min(offset, stat.size);
    const size = Math.min(length ?? stat.size - start, stat.size - start);
    const headers = new Headers(ex.headersOut);
    if (start === 0 && size === stat.size) return fileResponse(ex.raw, entry, { extra: headers });
    // A part is its own representation: its own length, and an ETag that names the window.
    const part = withHeaders({
      ...entry,
      size,
      etag: entry.etag.replace(/"$/, `-${start}-${size}"`),
    });
    return fileResponse(ex.raw, part, { extra: headers, offset: start });
  }

  upgradeWebSocket(options?: Deno.UpgradeWebSocketOptions): Deno.WebSocketUpgrade {
    return this.#ex.upgradeWebSocket(options);
  }

  internalRedirect(path: string): Promise<Response> {
    const redirect = this.#ex.site.internalRedirect;
    if (!redirect) return Promise.reject(new Error("internal redirects are not available"));
    return redirect(this.#ex, path);
  }

  setEtag(etag: string): void {
    const value = /^(W\/)?"/.test(etag) ? etag : `"${etag}"`;
    (this.#ex.validators ??= {}).etag = value;
    this.headersOut.set("etag", value);
  }

  setLastModified(time: Date | number): void {
    const ms = Math.floor(Math.min(Number(time), Date.now()) / 1000) * 1000;
    (this.#ex.validators ??= {}).lastModified = ms;
    this.headersOut.set("last-modified", new Date(ms).toUTCString());
  }

  meetsConditions(): 200 | 304 | 412 {
    const result = preconditionStatus(this.headers, this.method, this.#ex.validators ?? {});
    if (result !== 200) this.#ex.status = result;
    return result;
  }

  basicAuth(): Credentials | undefined {
    return basicCredentials(this.headers);
  }

  // ---- hooks, filters, clean-ups, misc -----------------------------------------------------

  addHandler(phase: Phase, hook: Hook): void {
    this.#ex.addHandler(phase, hook);
  }

  addOutputFilter(filter: FilterFactory): void {
    this.#ex.addOutputFilter(filter);
  }

  registerCleanup(fn: () => unknown): void {
    this.#ex.registerCleanup(fn);
  }

  constructUrl(path: string): string {
    return new URL(path, this.url).href;
  }

  log(message: string): void {
    this.#ex.log(message);
  }
}
