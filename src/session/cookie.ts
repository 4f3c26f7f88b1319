// The session cookie of one request: the id it claims (validated, signature checked) and the
// Set-Cookie for a new, changed or dropped id.
import type { CookieJar } from "../request/cookies.ts";
import { isSessionId } from "./ids.ts";
import type { SessionCookies } from "./session.ts";
import type { SessionSettings } from "./settings.ts";

export class SessionCookie implements SessionCookies {
  constructor(private jar: CookieJar, private settings: SessionSettings) {}

  /** The id the request carries, if it is well-formed and (with a secret) signed by us. */
  async claimed(): Promise<string | undefined> {
    const { cookieName, secret } = this.settings;
    const value = secret
      ? await this.jar.signed(cookieName, secret)
      : this.jar.received[cookieName];
    return isSessionId(value) ? value : undefined;
  }

  unset(): void {
    this.jar.unset(this.settings.cookieName);
  }

  /** Sets the cookie to `id`, or expires it (null); replaces one set earlier in this request. */
  async set(id: string | null): Promise<void> {
    const { cookieName, secret, path, domain, sameSite } = this.settings;
    this.jar.unset(cookieName);
    const options = { path, domain, sameSite, ...(id === null ? { maxAge: 0 } : {}) };
    if (id !== null && secret) await this.jar.setSigned(cookieName, id, secret, options);
    else this.jar.set(cookieName, id ?? "", options);
  }
}
