// HTTP Basic credentials (RFC 7617) and a constant-time comparison for checking them.
import { HttpError } from "./status.ts";

export interface Credentials {
  user: string;
  password: string;
}

/**
 * Basic credentials from the Authorization header: undefined when there are none or the
 * scheme is another one (a Digest header on an unprotected object is ignored, MODPYTHON-47);
 * a malformed Basic header is a 400.
 */
export function basicCredentials(headers: Headers): Credentials | undefined {
  const header = headers.get("authorization");
  if (header === null || !/^basic /i.test(header)) return undefined;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(atob(header.slice(6).trim()), (c) => c.charCodeAt(0)),
    );
  } catch {
    throw new HttpError(400, "The Authorization header is malformed.");
  }
  const colon = decoded.indexOf(":");
  if (colon === -1) throw new HttpError(400, "The Authorization header is malformed.");
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Compares in time independent of where the strings differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
