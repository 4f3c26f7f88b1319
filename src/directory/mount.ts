// A fetch app mounted by `export default` in `_directory.ts` (the WSGI handler's analog): it
// gets every request under its directory, with the URL made relative to the mount
// (`/app/x?q` → `/x?q`, SCRIPT_NAME / PATH_INFO split) and the mount path in its env.
import type { UrlParts } from "../http/url_parts.ts";
import type { FetchApp } from "../api/directory.ts";
import type { Exchange } from "../request/exchange.ts";

/** The URL path below the mount, still percent-encoded as the client sent it. */
function below(pathname: string, mountPath: string): string {
  const depth = mountPath === "" ? 0 : mountPath.split("/").length - 1;
  let at = 0;
  for (let i = 0; i < depth; i++) at = pathname.indexOf("/", at + 1);
  return at === -1 ? "/" : pathname.slice(at) || "/";
}

/** `req.pathInfo` of a mounted request: the path below the mount, decoded if it can be. */
export function mountPathInfo(url: UrlParts, mountPath: string): string {
  const rest = below(url.pathname, mountPath);
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest; // malformed: the app decides what it means
  }
}

export async function callMount(
  ex: Exchange,
  mount: { app: FetchApp; path: string },
  url: UrlParts,
): Promise<Response> {
  const raw = ex.raw;
  const target = new URL(below(url.pathname, mount.path) + url.search, raw.url);
  const env = { mountPath: mount.path, req: ex.req };
  return ex.withCookies(await mount.app.fetch(new Request(target, raw), env));
}
