// A fetch app mounted by `export default` in `_directory.ts` (the WSGI handler's analog): it
// gets every request under its directory, with the URL made relative to the mount
// (`/app/x?q` → `/x?q`, SCRIPT_NAME / PATH_INFO split) and the mount path in its env.
import type { UrlParts } from "../http/url_parts.ts";
import type { Req, Target } from "../request/request.ts";
import type { FetchApp } from "./settings.ts";

/** The URL path below the mount, still percent-encoded as the client sent it. */
function below(pathname: string, mountPath: string): string {
  const depth = mountPath === "" ? 0 : mountPath.split("/").length - 1;
  let at = 0;
  for (let i = 0; i < depth; i++) at = pathname.indexOf("/", at + 1);
  return at === -1 ? "/" : pathname.slice(at) || "/";
}

/** What `req` says about a mounted request: the mount's `_directory.ts`, and the rest. */
export function mountTarget(file: string, mountPath: string, url: UrlParts): Target {
  let pathInfo = below(url.pathname, mountPath);
  try {
    pathInfo = decodeURIComponent(pathInfo);
  } catch { /* keep it encoded: the app decides */ }
  return {
    file,
    kind: "module",
    scriptPath: mountPath,
    pathInfo,
    stat: { isFile: true, isDirectory: false, size: 0, mtimeMs: 0 },
  };
}

export async function callMount(
  req: Req,
  mount: { app: FetchApp; path: string },
  url: UrlParts,
): Promise<Response> {
  const raw = req.raw;
  const target = new URL(below(url.pathname, mount.path) + url.search, raw.url);
  const res = await mount.app.fetch(new Request(target, raw), { mountPath: mount.path, req });
  return req.withCookies(res);
}
