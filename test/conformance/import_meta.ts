// import.meta: url, filename, dirname, main, resolve; its shape; per-module objects.
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname } from "node:path";
import { meta as helper, object as helperObject } from "./_meta/sub/probe.ts";

// modts adds `hot` (docs/publisher.md); everything else must be as Deno has it.
const ADDED_BY_MODTS = new Set(["hot"]);

export function index() {
  const m = import.meta;
  const keys = Object.keys(m).filter((k) => !ADDED_BY_MODTS.has(k));
  return {
    url: m.url,
    filename: m.filename,
    dirname: m.dirname,
    main: m.main,
    urlIsFilename: m.url === pathToFileURL(m.filename!).href,
    filenameIsUrl: fileURLToPath(m.url) === m.filename,
    dirnameIsDirname: dirname(m.filename!) === m.dirname,
    keys,
    descriptors: Object.fromEntries(
      keys.map((k) => {
        const d = Object.getOwnPropertyDescriptor(m, k)!;
        return [k, {
          writable: d.writable,
          enumerable: d.enumerable,
          configurable: d.configurable,
        }];
      }),
    ),
    prototypeIsNull: Object.getPrototypeOf(m) === null,
    extensible: Object.isExtensible(m),
    sameObject: import.meta === m,
    helperObjectDiffers: helperObject !== m,
    resolveLength: m.resolve.length,
    resolveRelative: m.resolve("./x.ts"),
    resolveParent: m.resolve("../x.ts"),
    resolveRoot: m.resolve("/abs/x.ts"),
    resolveQuery: m.resolve("./x.ts?query=1#hash"),
    resolveDots: m.resolve("./a/../b/./c.ts"),
    resolveUrl: m.resolve("https://example.com/a/../b.ts"),
    resolveNode: m.resolve("node:path"),
    resolveData: m.resolve("data:text/javascript,1"),
    helper,
  };
}
