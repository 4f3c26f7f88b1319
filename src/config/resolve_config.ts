import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findConfigFile, readConfigFile } from "./config_file.ts";
import { DEFAULTS, type ServerConfig, type SiteEntry, UsageError } from "./options.ts";

/**
 * The effective settings: defaults, then the config file (`--config`, or the one beside ROOT),
 * then the flags. The data dir defaults to `.modts` beside ROOT, and the session store to a
 * file in it. With `sites` in the config file there is no ROOT: the data dir defaults to
 * `.modts` beside the config file.
 */
export async function resolveConfig(
  rootArg: string | undefined,
  flags: Partial<ServerConfig>,
  /** A config file named with `--config` (then none is looked for beside ROOT). */
  explicitFile?: string,
): Promise<{ config: ServerConfig; configFile: string | null }> {
  const root = rootArg !== undefined ? resolve(rootArg) : await defaultRoot();
  const configFile = explicitFile !== undefined
    ? resolve(explicitFile)
    : await findConfigFile(root);
  const fromFile = configFile ? await readConfigFile(configFile) : {};
  if (fromFile.sites && configFile) {
    if (rootArg !== undefined) {
      throw new UsageError(`${configFile} names the sites' roots: give no ROOT`);
    }
    const base = dirname(configFile);
    const dataDir = fromFile.dataDir ?? flags.dataDir ?? join(base, ".modts");
    return { config: completeConfig(base, { ...fromFile, dataDir, ...flags }), configFile };
  }
  // The site shipped inside modts (a compiled binary's is read-only): data in the working dir.
  const dataDir = root === SHIPPED_ROOT ? { dataDir: resolve(".modts") } : {};
  return { config: completeConfig(root, { ...dataDir, ...fromFile, ...flags }), configFile };
}

/** The demo site beside modts's own code: embedded in a compiled binary by `--include public`. */
const SHIPPED_ROOT = fileURLToPath(new URL("../../public", import.meta.url));

/** Without ROOT: ./public if there is one, else the site shipped with modts. */
async function defaultRoot(): Promise<string> {
  const local = resolve("public");
  const isDir = (path: string) => Deno.stat(path).then((s) => s.isDirectory, () => false);
  if (await isDir(local) || !(await isDir(SHIPPED_ROOT))) return local;
  return SHIPPED_ROOT;
}

/**
 * The settings of one of `config.sites`: the top level's, then the site's own. Sites never
 * share a store, caches or uploads: each has a data dir of its own (`sites/HOST` in the top
 * level's, unless it names one) and its session store in it (unless it names one).
 */
export function siteConfig(config: ServerConfig, host: string, entry: SiteEntry): ServerConfig {
  const dataDir = entry.settings.dataDir ??
    join(config.dataDir, "sites", host === "*" ? "_default" : host);
  const kv = entry.settings.kv ?? (config.kv === ":memory:" ? ":memory:" : undefined);
  return completeConfig(entry.root, { ...config, sites: null, ...entry.settings, dataDir, kv });
}

/** `settings` over the defaults; the data dir beside ROOT and the store in it unless set. */
export function completeConfig(root: string, settings: Partial<ServerConfig>): ServerConfig {
  const merged = { ...DEFAULTS, ...settings };
  const dataDir = resolve(merged.dataDir ?? join(dirname(root), ".modts"));
  const kv = merged.kv ?? join(dataDir, "kv.sqlite3");
  return { ...merged, root, dataDir, kv };
}
