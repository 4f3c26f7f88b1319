// What an import in user code names, resolved as `deno run` resolves it with the site's config:
// the import map (and scopes), then package.json's dependencies as `npm:` packages. Local files
// are the loader's; `modts` and modts's own files are the server's instances (host_modules.ts);
// `npm:`, `jsr:`, `node:`, URLs and other local kinds (CommonJS) are Deno's own loader's.
import { fileURLToPath } from "node:url";
import type { FileVersion, Freshness } from "./freshness.ts";
import { HOST_IMPORTS, isHostName, isHostUrl } from "./host_modules.ts";
import { resolveSpecifier } from "./import_map.ts";
import { ModuleError } from "./module_error.ts";
import type { SiteConfig } from "./site_config.ts";

/** Where an import is written: a module's URL and path, and its own files while it is built. */
export interface Importer {
  readonly url: string;
  readonly path: string;
  /** Files that resolving its imports read (package versions); absent at run time. */
  readonly own?: Map<string, FileVersion>;
}

export type Resolved =
  | { kind: "local"; path: string; url: string }
  | { kind: "host"; key: string }
  | { kind: "external"; url: string };

/** The files the loader evaluates itself (and JSON); other local files are Deno's. */
const LOCAL_MODULE = /\.(ts|tsx|mts|js|jsx|mjs|json)$/;

/** The package a bare specifier names: `@scope/name` or `name`. */
const PACKAGE_NAME = /^(@[^/]+\/[^/]+|[^/@][^/]*)/;

export async function resolveImport(
  specifier: string,
  from: Importer,
  config: SiteConfig,
  freshness: Freshness,
): Promise<Resolved> {
  if (isHostName(specifier)) return { kind: "host", key: specifier };
  const url = resolveSpecifier(config.importMap, specifier, from.url) ??
    await fromPackageJson(specifier, config, from, freshness);
  if (url === null) {
    const hint = /^[a-z_]+$/.test(specifier)
      ? ` (a Node built-in needs the "node:" prefix: "node:${specifier}")`
      : "";
    throw await importError(
      `import "${specifier}" is not a dependency and not in the import map of ${
        config.file ?? "the site (no deno.json at or above the document root)"
      }${hint}`,
      specifier,
      from.path,
    );
  }
  if (isHostUrl(url)) return { kind: "host", key: url };
  if (!url.startsWith("file:")) return { kind: "external", url };
  const path = fileURLToPath(url);
  // CommonJS and other kinds are Deno's to load (no reload for them).
  if (!LOCAL_MODULE.test(path)) return { kind: "external", url };
  return { kind: "local", path, url };
}

/**
 * A bare name listed in the site's package.json: `npm:NAME@VERSION`, with the version
 * installed in node_modules when there is one (that file is then one of `from`'s files).
 */
async function fromPackageJson(
  specifier: string,
  config: SiteConfig,
  from: Importer,
  freshness: Freshness,
): Promise<string | null> {
  const name = PACKAGE_NAME.exec(specifier)?.[1];
  const range = name === undefined ? undefined : config.packages?.ranges.get(name);
  if (name === undefined || range === undefined) return null;
  const installed = `${config.packages!.dir}/node_modules/${name}/package.json`;
  let version = range;
  try {
    const { source, seen } = await freshness.read(installed);
    from.own?.set(installed, seen);
    version = String(JSON.parse(source).version ?? range);
  } catch {
    from.own?.set(installed, await freshness.seen(installed));
  }
  return `npm:${name}@${version}${specifier.slice(name.length)}`;
}

/** `import.meta.resolve`: synchronous, so a package.json name gets its declared range. */
export function resolveNow(specifier: string, from: Importer, config?: SiteConfig): string {
  if (isHostName(specifier)) return HOST_IMPORTS[specifier];
  const url = config ? resolveSpecifier(config.importMap, specifier, from.url) : null;
  if (url !== null) return url;
  const name = PACKAGE_NAME.exec(specifier)?.[1];
  const range = name === undefined ? undefined : config?.packages?.ranges.get(name);
  if (range !== undefined) return `npm:${name}@${range}${specifier.slice(name!.length)}`;
  throw new TypeError(`Import "${specifier}" not a dependency (from ${from.url})`);
}

/** Deno's rule: JSON is imported with `with { type: "json" }`, and only JSON is. */
export function checkModuleType(
  specifier: string,
  path: string,
  type: string | undefined,
  from: Importer,
): void {
  const json = path.endsWith(".json");
  if (json && type !== "json") {
    throw new ModuleError(
      `"${specifier}" is a JSON module: import it with { type: "json" }`,
      from.path,
    );
  }
  if (type !== undefined && type !== "json") {
    throw new ModuleError(`"${specifier}": unsupported import type "${type}"`, from.path);
  }
  if (!json && type === "json") {
    throw new ModuleError(`"${specifier}" is not a JSON module`, from.path);
  }
}

/** An import that cannot be resolved, found or linked, at the line of `from` that names it. */
export async function importError(
  message: string,
  specifier: string,
  from: string,
): Promise<ModuleError> {
  const source = await Deno.readTextFile(from).catch(() => "");
  const at = source.search(new RegExp(`["'\`]${RegExp.escape(specifier)}["'\`]`));
  if (at === -1) return new ModuleError(message, from);
  const before = source.slice(0, at).split("\n");
  return new ModuleError(message, from, {
    line: before.length,
    column: before.at(-1)!.length + 1,
    source,
  });
}
