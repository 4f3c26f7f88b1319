import { type FileStat, StatCache } from "../fs/stat.ts";
import { TtlCache } from "../fs/ttl_cache.ts";
import type { Target } from "./target.ts";
import { DIRECTORY_FILE } from "../directory/directories.ts";
import { fileKind, isBadSegment, isPrivateName } from "./names.ts";
import type { HandlerRegistry } from "./registry.ts";

export type Resolution =
  & (
    | { type: "target"; target: Target }
    /** A directory named without its trailing slash: 301 to `location` (a URL path). */
    | { type: "redirect"; location: string }
    | { type: "status"; status: 403 | 404 }
  )
  & {
    /**
     * The deepest existing directory the URL path reached (absolute, no trailing slash):
     * whose `_directory.ts` settings apply, also to a URL that names nothing there.
     */
    dir: string;
  };

/** `_` names an internal request may use: not `_directory.ts`, not dot or backup names. */
function isInternalName(segment: string): boolean {
  return segment.startsWith("_") && segment !== DIRECTORY_FILE && !/[~.]$/.test(segment);
}

const notFound = (dir: string): Resolution => ({ type: "status", status: 404, dir });
const forbidden = (dir: string): Resolution => ({ type: "status", status: 403, dir });

/**
 * Maps a URL path onto the document root the way Apache does: the longest prefix that is an
 * existing file is the target, the rest is path info. Segments are decoded one by one, so
 * an encoded `/`, `\` or NUL can never act as a separator, and every segment is checked
 * before it touches the file system. The final path is resolved with realPath and must lie
 * inside the root (no symlink leads out). Results are reused for `ttlMs`.
 */
export class Resolver {
  #results: TtlCache<string, Resolution | Promise<Resolution>>;
  #stats: StatCache;
  #realRoot: string;
  /** The base path without its final slash: "" for "/". */
  #prefix: string;

  constructor(
    realRoot: string,
    private registry: HandlerRegistry,
    /** The index files of a directory, in order (per-directory settings may change them). */
    private directoryIndex: (dir: string) => readonly string[] | Promise<readonly string[]>,
    ttlMs: number,
    /** The URL path the root answers at: "/", or an interpreter's prefix ("/tenant-a/"). */
    basePath = "/",
  ) {
    this.#realRoot = realRoot;
    this.#prefix = basePath.slice(0, -1);
    this.#results = new TtlCache(ttlMs);
    this.#stats = new StatCache(ttlMs);
  }

  /**
   * Synchronous for a URL resolved in the last `ttlMs` (the hot path); a promise otherwise,
   * shared by concurrent requests for the same URL.
   */
  resolve(pathname: string): Resolution | Promise<Resolution> {
    return this.#results.load(pathname, () => this.#resolve(pathname, false));
  }

  /**
   * For modts's own internal requests (an error document): `_` folders and files may be
   * named — `_parts/404.psp` is where such fragments live — though `_directory.ts` never.
   */
  resolveInternal(pathname: string): Resolution | Promise<Resolution> {
    return this.#results.load(`\0${pathname}`, () => this.#resolve(pathname, true));
  }

  async #resolve(pathname: string, internal: boolean): Promise<Resolution> {
    if (this.#prefix !== "") {
      if (pathname === this.#prefix) {
        return { type: "redirect", location: `${pathname}/`, dir: this.#realRoot };
      }
      if (!pathname.startsWith(this.#prefix + "/")) return notFound(this.#realRoot);
      pathname = pathname.slice(this.#prefix.length);
    }
    const segments: string[] = [];
    // A bad or private segment refuses the URL, but the directories before it still say
    // whose settings apply (a mounted app below them gets the request).
    let refusal: ((dir: string) => Resolution) | undefined;
    for (const raw of pathname.split("/")) {
      if (raw === "") continue;
      let seg: string;
      try {
        seg = decodeURIComponent(raw);
      } catch {
        refusal = notFound; // malformed or overlong UTF-8
        break;
      }
      if (isBadSegment(seg)) refusal = notFound;
      else if (isPrivateName(seg) && !(internal && isInternalName(seg))) refusal = forbidden;
      if (refusal) break;
      segments.push(seg);
    }
    const trailingSlash = pathname.endsWith("/");
    let dir = this.#realRoot;
    for (let i = 0; i < segments.length; i++) {
      const path = `${dir}/${segments[i]}`;
      const stat = await this.#stats.stat(path);
      if (stat?.isDirectory) {
        dir = path;
        continue;
      }
      if (refusal) return refusal(dir);
      if (!stat?.isFile) return await this.#missing(dir, segments, i, trailingSlash, internal);
      const scriptPath = urlPath(segments, i + 1);
      return await this.#target(
        dir,
        path,
        stat,
        scriptPath,
        pathInfo(segments, i + 1, trailingSlash),
        internal,
      );
    }
    if (refusal) return refusal(dir);
    if (segments.length > 0 && !trailingSlash) {
      if ((await this.#realInside(dir)) === null) return notFound(dir);
      return {
        type: "redirect",
        location: this.#prefix + "/" + segments.map(encodeURIComponent).join("/") + "/",
        dir,
      };
    }
    const dirPath = segments.length > 0 ? `/${segments.join("/")}/` : "/";
    for (const name of await this.directoryIndex(dir)) {
      const path = `${dir}/${name}`;
      const stat = await this.#stats.stat(path);
      if (stat?.isFile && this.registry.get(fileKind(name))) {
        return await this.#target(dir, path, stat, dirPath, "", internal);
      }
    }
    return notFound(dir);
  }

  /**
   * Segment `i` does not exist in `dir`: try it with a handler's implicit extension
   * (`/hello/say` → `hello.ts`), then the directory's index file if its handler takes path
   * info (`/foobar` → `index.ts`, path info `/foobar`).
   */
  async #missing(
    dir: string,
    segments: string[],
    i: number,
    trailingSlash: boolean,
    internal: boolean,
  ) {
    const name = segments[i];
    const restInfo = pathInfo(segments, i + 1, trailingSlash);
    for (const ext of this.registry.implicitExtensions) {
      const path = `${dir}/${name}${ext}`;
      const stat = await this.#stats.stat(path);
      if (stat?.isFile) {
        return await this.#target(dir, path, stat, urlPath(segments, i + 1), restInfo, internal);
      }
    }
    const dirPath = i === 0 ? "" : urlPath(segments, i);
    for (const index of await this.directoryIndex(dir)) {
      if (!this.registry.get(fileKind(index))?.acceptsPathInfo) continue;
      const path = `${dir}/${index}`;
      const stat = await this.#stats.stat(path);
      if (stat?.isFile) {
        return await this.#target(dir, path, stat, dirPath, `/${name}${restInfo}`, internal);
      }
    }
    return notFound(dir);
  }

  async #target(
    dir: string,
    file: string,
    stat: FileStat,
    scriptPath: string,
    pathInfo: string,
    internal: boolean,
  ): Promise<Resolution> {
    const kind = fileKind(file.slice(file.lastIndexOf("/") + 1));
    const handler = this.registry.get(kind);
    if (!handler) return notFound(dir);
    if (pathInfo !== "" && !handler.acceptsPathInfo) return notFound(dir);
    // Through symlinks, the file itself must be as reachable as its link: inside the root,
    // on no private name, and of the same kind (a `notes.txt` link to `hello.ts` would
    // otherwise send the module's source as text).
    const real = await this.#realInside(file);
    if (real === null || fileKind(real.slice(real.lastIndexOf("/") + 1)) !== kind) {
      return notFound(dir);
    }
    const refused = (seg: string) => isPrivateName(seg) && !(internal && isInternalName(seg));
    if (real.slice(this.#realRoot.length + 1).split("/").some(refused)) return forbidden(dir);
    scriptPath = this.#prefix + scriptPath;
    return { type: "target", target: { file, kind, scriptPath, pathInfo, stat }, dir };
  }

  /** The real path of `path` if it lies inside the root, else null. */
  async #realInside(path: string): Promise<string | null> {
    const real = await Deno.realPath(path).catch(() => null);
    const inside = real !== null &&
      (real === this.#realRoot || real.startsWith(this.#realRoot + "/"));
    return inside ? real : null;
  }
}

/** The decoded URL path of the first `n` segments. */
function urlPath(segments: string[], n: number): string {
  return "/" + segments.slice(0, n).join("/");
}

/** The path info after the first `n` segments: "" when nothing follows, else "/…". */
function pathInfo(segments: string[], n: number, trailingSlash: boolean): string {
  return n < segments.length || trailingSlash ? "/" + segments.slice(n).join("/") : "";
}
