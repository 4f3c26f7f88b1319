// The session as user code sees it (SPEC §5). Part of the public API (mod.ts): this folder
// imports nothing from the rest of modts, so type-checking a user's file never enters the
// server's internals.

/** `await req.session()`: loaded and locked for the request, saved at its end. */
export interface Session {
  /** 32 lowercase hex characters, minted by the server. */
  readonly id: string;
  /** True when this request created it. */
  readonly isNew: boolean;
  readonly created: Date;
  /** When the session was used before this request (now, for a new one). */
  readonly lastAccessed: Date;
  /** Seconds of inactivity after which it is gone. */
  readonly timeout: number;
  /** The session's values; saved at the end of the request. JSON-serialisable. */
  data: Record<string, unknown>;
  /** Writes the data now (it is also written at the end of the request). */
  save(): Promise<void>;
  /** Deletes the session and expires its cookie; nothing more is saved. */
  invalidate(): Promise<void>;
  /** A new id for the same data; the old id is dead at once (call it on login). */
  regenerate(): Promise<void>;
}

/** `config.session` in `_directory.ts`: how sessions below that directory work. */
export interface SessionConfig {
  /** The cookie's name (`sid`). */
  cookieName?: string;
  /** The cookie's Path: the application's URL path (`/`). */
  path?: string;
  domain?: string;
  /** Seconds of inactivity after which a session is gone (1800). */
  timeout?: number;
  /** With a secret, the cookie carries an HMAC-SHA256 of the id. */
  secret?: string;
  sameSite?: "Lax" | "Strict" | "None";
  /** Seconds one request may hold a session's lock; then it is released for the next (60). */
  lockTimeout?: number;
}
