// A protected area: an authen hook checks Basic credentials (demo / demo) and names the user;
// an authz hook could then decide what that user may see. Everything under /members/ —
// pages, modules, static files — passes through these hooks first.
import { type DirectoryConfig, OK, type Req } from "modts";

const USERS: Record<string, string> = { demo: "demo" };

export function authen(req: Req) {
  const creds = req.basicAuth();
  if (!creds || USERS[creds.user] === undefined || USERS[creds.user] !== creds.password) {
    return 401; // with a Basic challenge for config.realm
  }
  req.user = creds.user;
  return OK;
}

export const config: DirectoryConfig = {
  realm: "modts members (demo / demo)",
  options: { area: "members" },
};
