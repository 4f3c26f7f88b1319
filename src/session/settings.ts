// What a directory can say about its sessions (SPEC §5, §6), and the defaults.

export interface SessionSettings {
  cookieName: string;
  /** The cookie's Path: the application's URL path. */
  path: string;
  domain?: string;
  /** Seconds of inactivity after which a session is gone. */
  timeout: number;
  /** With a secret, the cookie carries an HMAC-SHA256 of the id. */
  secret?: string;
  sameSite: "Lax" | "Strict" | "None";
  /** Seconds one request may hold a session's lock; then it is released for the next. */
  lockTimeout: number;
}

export const DEFAULT_SESSION: Readonly<SessionSettings> = {
  cookieName: "sid",
  path: "/",
  timeout: 30 * 60,
  sameSite: "Lax",
  lockTimeout: 60,
};
