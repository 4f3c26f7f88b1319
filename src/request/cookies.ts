// One request's cookies: those it came with, and the Set-Cookie headers of its response.
// Parsing and signing are Hono's cookie utilities (HMAC-SHA256 via WebCrypto, verified with
// crypto.subtle.verify); this class adds modts's safer defaults.
import type { CookieOptions } from "../api/request.ts";
import {
  parseCookies,
  parseSignedCookies,
  serializeCookie,
  serializeSignedCookie,
} from "../deps.ts";

/** HttpOnly, SameSite=Lax and Path=/ unless the caller says otherwise; Secure on HTTPS. */
function withDefaults(options: CookieOptions, https: boolean): CookieOptions {
  return { path: "/", httpOnly: true, sameSite: "Lax", secure: https, ...options };
}

export class CookieJar {
  #received?: Record<string, string>;

  constructor(
    /** The request's Cookie header (read on first use: reading headers has a cost). */
    private header: () => string | null,
    /** The response headers the Set-Cookies go to. */
    private out: () => Headers,
    private https: boolean,
  ) {}

  get received(): Readonly<Record<string, string>> {
    if (this.#received === undefined) {
      const header = this.header();
      this.#received = header ? parseCookies(header) : {};
    }
    return this.#received;
  }

  /** The value if the signature holds, false if it does not, undefined if there is none. */
  async signed(name: string, secret: string): Promise<string | false | undefined> {
    const header = this.header();
    if (!header) return undefined;
    return (await parseSignedCookies(header, secret, name))[name];
  }

  set(name: string, value: string, options: CookieOptions = {}): void {
    this.out().append(
      "set-cookie",
      serializeCookie(name, value, withDefaults(options, this.https)),
    );
  }

  async setSigned(
    name: string,
    value: string,
    secret: string,
    options: CookieOptions = {},
  ): Promise<void> {
    const header = await serializeSignedCookie(
      name,
      value,
      secret,
      withDefaults(options, this.https),
    );
    this.out().append("set-cookie", header);
  }

  /** Takes back a Set-Cookie for `name` made earlier in this request. */
  unset(name: string): void {
    const headers = this.out();
    const all = headers.getSetCookie();
    const others = all.filter((c) => !c.startsWith(`${name}=`));
    if (others.length === all.length) return;
    headers.delete("set-cookie");
    for (const c of others) headers.append("set-cookie", c);
  }
}
