// `createHandler` (mod.ts): the whole server as a fetch handler, for `deno serve`, a Hono
// app's `mount`, or any code that has a Request. See src/api/session.ts for why this folder
// imports nothing from the rest of modts.

/**
 * What `createHandler` takes: the document root and the site's settings, with the names and
 * rules of the config file (README, flags table). Relative paths are relative to the working
 * directory. The connection settings (host, port, timeouts, connection cap) belong to whoever
 * listens, so they are not here.
 */
export interface HandlerSettings {
  /** The document root. */
  root: string;
  debug?: boolean;
  autoreload?: boolean;
  /** Session store: a file path, ":memory:" or a KV Connect URL (DATA_DIR/kv.sqlite3). */
  kv?: string;
  /** Caches, uploads and sessions (`.modts` beside ROOT). */
  dataDir?: string;
  /** Combined-format access log: a file, "-" for stdout, or null for none (the default). */
  accessLog?: string | null;
  /** Largest request body: bytes, or "512K", "100M" (100M). */
  maxBodySize?: number | string;
  /** Seconds a handler may run before its request gets a 503; 0: no limit (60). */
  requestTimeout?: number;
  /** Seconds a file-system answer is trusted (1). */
  fsTtl?: number;
  /** Development: open pages reload when a file under the root changes (off). */
  liveReload?: boolean;
}

/** What the connection told the caller; `Deno.ServeHandlerInfo` is one. */
export interface ConnectionInfo {
  readonly remoteAddr: Deno.Addr;
}

/** A document root served as a fetch handler. */
export interface SiteHandler {
  /**
   * Answers one request, as `modts serve` would. `info` gives the client's address
   * (`req.remoteAddr`, the access log); without it, or on a Unix socket, the address is "".
   */
  fetch(request: Request, info?: ConnectionInfo): Promise<Response>;
  /** Drops session leases and closes the store, the modules and the log. */
  close(): Promise<void>;
}
