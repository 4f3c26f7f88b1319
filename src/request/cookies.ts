// Cookie parsing and signing come from Hono's cookie utilities (HMAC-SHA256 via WebCrypto,
// verified with crypto.subtle.verify); this module only adds modts's safer defaults.
import {
  type CookieOptions,
  parse,
  parseSigned,
  serialize,
  serializeSigned,
} from "hono/utils/cookie";

export type { CookieOptions };

/** HttpOnly, SameSite=Lax and Path=/ unless the caller says otherwise; Secure on HTTPS. */
function withDefaults(options: CookieOptions, https: boolean): CookieOptions {
  return { path: "/", httpOnly: true, sameSite: "Lax", secure: https, ...options };
}

export function parseCookies(header: string | null): Record<string, string> {
  return header ? parse(header) : {};
}

export function cookieHeader(
  name: string,
  value: string,
  options: CookieOptions,
  https: boolean,
): string {
  return serialize(name, value, withDefaults(options, https));
}

export function signedCookieHeader(
  name: string,
  value: string,
  secret: string,
  options: CookieOptions,
  https: boolean,
): Promise<string> {
  return serializeSigned(name, value, secret, withDefaults(options, https));
}

/** The value if the signature holds, false if it does not, undefined if there is no cookie. */
export async function readSignedCookie(
  header: string | null,
  name: string,
  secret: string,
): Promise<string | false | undefined> {
  if (!header) return undefined;
  const cookies = await parseSigned(header, secret, name);
  return cookies[name];
}
