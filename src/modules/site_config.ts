// A site's own configuration, found as Deno finds one: the nearest deno.json or deno.jsonc
// at or above the document root. Its `imports`/`scopes` (or the `importMap` file it names)
// resolve bare specifiers in modules, pages and `_directory.ts`; its JSX and decorator
// compiler options shape transpiling. The nearest package.json adds its dependencies as
// `npm:` packages, at the version installed in node_modules when there is one.
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { type JsoncParseError, parseJsonc, printParseErrorCode } from "../deps.ts";
import { coarseNow } from "../fs/clock.ts";
import type { FileVersion, Freshness, Tracked } from "./freshness.ts";
import { EMPTY_IMPORT_MAP, type ImportMap, parseImportMap } from "./import_map.ts";

export interface JsxOptions {
  runtime: "classic" | "automatic";
  /** The automatic runtime's package (`react`, `hono/jsx`…). */
  importSource: string;
  /** The classic runtime's factories. */
  factory: string;
  fragmentFactory: string;
  development: boolean;
}

export interface SiteConfig extends Tracked {
  /** The deno.json(c) in force, or null. */
  file: string | null;
  /** Its content, as parsed (for `check`, which hands it to `deno check`). */
  json: Record<string, unknown>;
  importMap: ImportMap;
  jsx: JsxOptions;
  /** `experimentalDecorators`: TypeScript's legacy decorators instead of the standard ones. */
  legacyDecorators: boolean;
  /** package.json's dependencies (name → version range) and the folder it is in. */
  packages: { dir: string; ranges: Map<string, string> } | null;
  /** The files this was read from, and the places a nearer config file could appear. */
  files: Map<string, FileVersion>;
  checkedAt: number;
}

const CONFIG_NAMES = ["deno.json", "deno.jsonc"];

/** A config file that cannot be used: its path and why. */
export class SiteConfigError extends Error {
  override name = "SiteConfigError";
}

async function readJson(path: string, freshness: Freshness, files: Map<string, FileVersion>) {
  const { source, seen } = await freshness.read(path);
  files.set(path, seen);
  const errors: JsoncParseError[] = [];
  const json = parseJsonc(source, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const { error, offset } = errors[0];
    const line = source.slice(0, offset).split("\n").length;
    throw new SiteConfigError(`${path}:${line}: ${printParseErrorCode(error)}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new SiteConfigError(`${path}: expected an object`);
  }
  return json as Record<string, unknown>;
}

function jsxOptions(compilerOptions: Record<string, unknown>): JsxOptions {
  const jsx = compilerOptions.jsx ?? "react";
  return {
    // "precompile" is Deno's own HTML-string transform; the automatic runtime renders the
    // same markup (docs/publisher.md).
    runtime: jsx === "react" ? "classic" : "automatic",
    importSource: String(compilerOptions.jsxImportSource ?? "react"),
    factory: String(compilerOptions.jsxFactory ?? "React.createElement"),
    fragmentFactory: String(compilerOptions.jsxFragmentFactory ?? "React.Fragment"),
    development: jsx === "react-jsxdev",
  };
}

/** Reads the configuration in force for the document root `root` (a real path). */
export async function loadSiteConfig(root: string, freshness: Freshness): Promise<SiteConfig> {
  const files = new Map<string, FileVersion>();
  let file: string | null = null;
  for (let dir = root; file === null; dir = dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      const path = join(dir, name);
      const seen = await freshness.seen(path);
      files.set(path, seen);
      if (seen.version !== "missing") {
        file = path;
        break;
      }
    }
    if (dir === dirname(dir)) break;
  }
  let json: Record<string, unknown> = {};
  let importMap = EMPTY_IMPORT_MAP;
  let compilerOptions: Record<string, unknown> = {};
  if (file !== null) {
    json = await readJson(file, freshness, files);
    const base = pathToFileURL(file).href;
    try {
      if (typeof json.importMap === "string" && json.imports === undefined) {
        const mapFile = new URL(json.importMap, base);
        if (mapFile.protocol !== "file:") throw new Error("importMap must be a local file");
        const map = await readJson(mapFile.pathname, freshness, files);
        importMap = parseImportMap(map, mapFile.href, mapFile.pathname);
      } else {
        importMap = parseImportMap(json, base, file);
      }
    } catch (e) {
      if (e instanceof SiteConfigError) throw e;
      throw new SiteConfigError(e instanceof Error ? e.message : String(e));
    }
    if (typeof json.compilerOptions === "object" && json.compilerOptions !== null) {
      compilerOptions = json.compilerOptions as Record<string, unknown>;
    }
  }
  return {
    file,
    json,
    importMap,
    jsx: jsxOptions(compilerOptions),
    legacyDecorators: compilerOptions.experimentalDecorators === true,
    packages: await packages(root, freshness, files),
    files,
    checkedAt: coarseNow(),
  };
}

/** The nearest package.json at or above `root`: its dependencies, by name. */
async function packages(root: string, freshness: Freshness, files: Map<string, FileVersion>) {
  for (let dir = root;; dir = dirname(dir)) {
    const path = join(dir, "package.json");
    const seen = await freshness.seen(path);
    files.set(path, seen);
    if (seen.version !== "missing") {
      const json = await readJson(path, freshness, files);
      const ranges = new Map<string, string>();
      for (const field of ["dependencies", "devDependencies"]) {
        const deps = json[field];
        if (typeof deps !== "object" || deps === null) continue;
        for (const [name, range] of Object.entries(deps)) {
          if (typeof range === "string") ranges.set(name, range);
        }
      }
      return { dir, ranges };
    }
    if (dir === dirname(dir)) return null;
  }
}
