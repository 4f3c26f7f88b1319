// The request object as user code sees it (SPEC §4), and what it hands out: forms, uploads,
// hooks and filters. Part of the public API (mod.ts); see src/api/session.ts for why this
// folder imports nothing from the rest of modts.
import type { Session } from "./session.ts";

/** A file uploaded with multipart/form-data, already on disk; removed after the request. */
export interface Upload {
  /** The form field it came in. */
  readonly field: string;
  /** The client's file name (untrusted; never use it as a path). */
  readonly filename: string;
  readonly type: string;
  readonly size: number;
  /** Where the bytes are, in the server's upload directory. */
  readonly path: string;
}

export type FieldValue = string | Upload;

/** Form fields from the query string and the body, in arrival order; repeats are kept. */
export interface Form {
  /** The first value of `name`. */
  get(name: string): FieldValue | undefined;
  getAll(name: string): FieldValue[];
  has(name: string): boolean;
  keys(): IterableIterator<string>;
  entries(): IterableIterator<[string, FieldValue[]]>;
  readonly uploads: Upload[];
}

/** Options of `req.setCookie`; modts's defaults are `Path=/`, `HttpOnly`, `SameSite=Lax`. */
export interface CookieOptions {
  domain?: string;
  path?: string;
  /** Seconds; 0 expires the cookie at once. */
  maxAge?: number;
  expires?: Date;
  httpOnly?: boolean;
  /** On by default when the request came over HTTPS. */
  secure?: boolean;
  sameSite?: "Strict" | "Lax" | "None" | "strict" | "lax" | "none";
  partitioned?: boolean;
  priority?: "Low" | "Medium" | "High" | "low" | "medium" | "high";
}

/** The error an error document answers: its status and its message (safe to show). */
export interface AnsweredError {
  readonly status: number;
  readonly message: string;
}

/** HTTP Basic credentials. */
export interface Credentials {
  user: string;
  password: string;
}

/** A part of the body, for `req.write`. */
export type Chunk = string | Uint8Array<ArrayBuffer>;

/** The phases a hook can run in, in order around the content handler. */
export type Phase = "access" | "authen" | "authz" | "fixup" | "log" | "cleanup";

/**
 * What a hook returns: "OK", "DECLINED", "DONE" (mod_python's apache.OK, …; also exported
 * as constants), an HTTP status, or nothing (OK).
 */
export type HookResult = "OK" | "DECLINED" | "DONE" | number | undefined | void;

export type Hook = (req: Req) => HookResult | Promise<HookResult>;

/** Makes the stream one body (or the request's body) goes through. */
export type FilterFactory = (req: Req) => TransformStream<Uint8Array, Uint8Array>;

/** `req`: one per request, handed to publisher functions, pages, hooks and mounted apps. */
export interface Req {
  readonly method: string;
  /** The request URL. */
  readonly url: URL;
  /** The decoded URL path. */
  readonly path: string;
  /** What the URL has beyond the file, decoded (`/say` of `/hello.ts/say`); "" if nothing. */
  readonly pathInfo: string;
  /** The absolute path of the file this URL resolved to. */
  readonly filename: string;
  readonly query: URLSearchParams;
  /** The incoming headers. */
  readonly headers: Headers;
  /** The Web Request (its body through the input filters, if any). */
  readonly raw: Request;
  readonly isHttps: boolean;
  readonly remoteAddr: string;
  /** The per-directory options (`config.options` of the `_directory.ts` chain). */
  readonly options: Readonly<Record<string, string>>;
  /** Set by authentication (publisher `__auth__`, an `authen` hook). */
  user?: string;
  /**
   * In an error document (`errorDocuments` of `_directory.ts`): the error it answers. `path`
   * and `url` are then the original request's, and `status` starts as the error's.
   */
  readonly error?: AnsweredError;

  /** The response status (200). */
  status: number;
  /** The response's content type; wins over a type a handler would guess. */
  contentType?: string;
  /** Headers added to the response. */
  readonly headersOut: Headers;
  /** Appends to the body; buffered until the handler returns or `flush()` is called. */
  write(chunk: Chunk): void;
  /** Sends the status, headers and what was written so far; later writes stream out. */
  flush(): Promise<void>;
  /** True once the client has gone away during a streamed response. */
  readonly aborted: boolean;
  /**
   * The response: status, headers and content type from `req`, the body written so far,
   * then `body`. HEAD gets the same headers and no body.
   */
  respond(body?: Chunk | ReadableStream<Uint8Array<ArrayBuffer>> | null): Response;

  /** The request's cookies. */
  readonly cookies: Readonly<Record<string, string>>;
  /** Adds a Set-Cookie; HttpOnly, SameSite=Lax, Path=/ and (on HTTPS) Secure by default. */
  setCookie(name: string, value: string, options?: CookieOptions): void;
  /** A signed cookie's value; false if its HMAC-SHA256 does not hold; undefined if absent. */
  signedCookie(name: string, secret: string): Promise<string | false | undefined>;
  setSignedCookie(
    name: string,
    value: string,
    secret: string,
    options?: CookieOptions,
  ): Promise<void>;

  /** Reads the query string and the (urlencoded or multipart) body once; then `req.form`. */
  parseForm(): Promise<Form>;
  /** `parseForm()`, synchronous when there is no body to read. */
  loadForm(): Form | Promise<Form>;
  /** The parsed form; `await req.parseForm()` first. */
  readonly form: Form;

  /** The request's session, loaded (waiting for its lock) or new; the same on every call. */
  session(): Promise<Session>;

  /**
   * A server page rendered as the response, with `it` = `data`. `page` is relative to this
   * request's file, or to the document root when it starts with `/`.
   */
  render(page: string, data?: unknown): Promise<Response>;
  /** A redirect with an HTML-escaped body; a location holding CR or LF is refused (400). */
  redirect(location: string, status?: number): Response;
  /**
   * The file at `path` (absolute, or relative to this request's file) with the static-file
   * validators, conditionals and ranges; `offset`/`length` select a part of it.
   */
  sendFile(path: string, options?: { offset?: number; length?: number }): Promise<Response>;
  /** What `path` (a URL path of this site) answers: the whole pipeline runs again for it. */
  internalRedirect(path: string): Promise<Response>;
  /**
   * Accepts the request's WebSocket upgrade: return `response`, use `socket` (docs/realtime.md).
   * The directory's hooks have run; the session is saved and its lock released when the
   * handler returns, never held for the socket's life. A request that is no upgrade is a 426;
   * a server whose connection limits are on (no `--websockets`) answers 501.
   */
  upgradeWebSocket(options?: Deno.UpgradeWebSocketOptions): Deno.WebSocketUpgrade;

  setEtag(etag: string): void;
  setLastModified(time: Date | number): void;
  /** The preconditions against `setEtag`/`setLastModified`: 200 to go on, or 304/412. */
  meetsConditions(): 200 | 304 | 412;
  /** The Basic credentials sent; undefined when none; a malformed header is a 400. */
  basicAuth(): Credentials | undefined;

  /** Adds a hook to a phase of this request (one that has not run yet, or the current one). */
  addHandler(phase: Phase, hook: Hook): void;
  /** Passes the response body through one more stream, after the directories' filters. */
  addOutputFilter(filter: FilterFactory): void;
  /** `fn` runs after the response has been sent, even when the handler failed. */
  registerCleanup(fn: () => unknown): void;

  /** An absolute URL on this server for `path` (relative paths resolve against this URL). */
  constructUrl(path: string): string;
  /** A line on the server log, tagged with the request. */
  log(message: string): void;
}
