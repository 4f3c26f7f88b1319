import { basicChallenge, HttpError } from "../http/status.ts";
import type { Req } from "../api/request.ts";
import { basicCredentials, type Credentials, sameSecret } from "../http/basic_auth.ts";

function own(obj: unknown, name: string): unknown {
  return (typeof obj === "object" || typeof obj === "function") && obj !== null &&
      Object.hasOwn(obj, name)
    ? (obj as Record<string, unknown>)[name]
    : undefined;
}

/** Whether anything on the way has `__auth__` or `__access__`. */
export function isGuarded(chain: unknown[]): boolean {
  return chain.some((level) =>
    own(level, "__auth__") !== undefined || own(level, "__access__") !== undefined
  );
}

/** The realm a challenge on the way to the target names: the innermost `__auth_realm__`. */
export function realmOf(chain: unknown[]): string {
  let realm = "unknown";
  for (const level of chain) {
    const levelRealm = own(level, "__auth_realm__");
    if (typeof levelRealm === "string") realm = levelRealm;
  }
  return realm;
}

/**
 * `__auth__`, `__access__` and `__auth_realm__` on the module and on every object passed on
 * the way to the target, outermost first (the innermost realm wins). Sets `req.user`.
 */
export async function authorize(req: Req, chain: unknown[]): Promise<void> {
  let realm = "unknown";
  let creds: Credentials | undefined | null = null; // null: not parsed yet
  for (const level of chain) {
    const levelRealm = own(level, "__auth_realm__");
    if (typeof levelRealm === "string") realm = levelRealm;
    const auth = own(level, "__auth__");
    const access = own(level, "__access__");
    if (auth === undefined && access === undefined) continue;
    if (creds === null) creds = basicCredentials(req.headers);
    if (auth !== undefined) {
      if (!creds) throw basicChallenge(realm);
      let ok: unknown;
      if (typeof auth === "function") ok = await auth(req, creds.user, creds.password);
      else if (typeof auth === "object" && auth !== null) {
        const expected = own(auth, creds.user);
        ok = typeof expected === "string" && sameSecret(expected, creds.password);
      } else ok = auth;
      if (!ok) throw basicChallenge(realm);
      req.user = creds.user;
    }
    if (access !== undefined) {
      const user = creds?.user;
      let ok: unknown;
      if (typeof access === "function") ok = await access(req, user);
      else if (Array.isArray(access)) ok = user !== undefined && access.includes(user);
      else ok = access;
      if (!ok) throw new HttpError(403);
      if (user !== undefined) req.user = user;
    }
  }
}
