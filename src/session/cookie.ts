// The session cookie of one request: the id it claims (validated, signature checked) and the
// Set-Cookie for a new, changed or dropped id.
import type { Req } from "../request/request.ts";
import { isSessionId } from "./ids.ts";
import type { SessionCookies } from "./session.ts";
import type { SessionSettings } from "./settings.ts";

export class SessionCookie implements SessionCookies {
  constructor(private req: Req, private settings: SessionSettings) {}

  /** The id the request carries, if it is well-formed and (with a secret) signed by us. */
  async claimed(): Promise<string | undefined> {
    const { cookieName, secret } = this.settings;
    const value = secret
      ? await this.req.signedCookie(cookieName, secret)
      : this.req.cookies[cookieName];
    return isSessionId(value) ? value : undefined;
  }

  /** Sets the cookie to `id`, or expires it (null); replaces one set earlier in this request. */
  async set(id: string | null): Promise<void> {
    const { cookieName, secret, path, domain, sameSite } = this.settings;
    const headers = this.req.headersOut;
    const all = headers.getSetCookie();
    const others = all.filter((c) => !c.startsWith(`${cookieName}=`));
    if (others.length !== all.length) {
      headers.delete("set-cookie");
      for (const c of others) headers.append("set-cookie", c);
    }
    const options = { path, domain, sameSite, ...(id === null ? { maxAge: 0 } : {}) };
    if (id !== null && secret) await this.req.setSignedCookie(cookieName, id, secret, options);
    else this.req.setCookie(cookieName, id ?? "", options);
  }
}
