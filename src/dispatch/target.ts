import type { FileStat } from "../fs/stat.ts";
import type { FileKind } from "./names.ts";

/** The file a URL resolved to (see resolve.ts). */
export interface Target {
  /** Absolute path of the file. */
  file: string;
  kind: FileKind;
  /** The URL path of the file itself (`/app/hello.ts` or `/app/hello`), decoded. */
  scriptPath: string;
  /** What the URL has beyond the file, decoded, e.g. `/say`; "" when nothing. */
  pathInfo: string;
  /** The file's stat, at most a second old. */
  stat: FileStat;
}

/**
 * A target that is no file of its own (a mounted app, the diagnostics page): `file` names
 * what stands for it, for `req.filename` and relative paths.
 */
export function virtualTarget(file: string, scriptPath: string, pathInfo: string): Target {
  return {
    file,
    kind: "static",
    scriptPath,
    pathInfo,
    stat: { isFile: true, isDirectory: false, size: 0, mtimeMs: 0 },
  };
}
