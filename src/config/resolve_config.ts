import { dirname, join, resolve } from "node:path";
import { findConfigFile, readConfigFile } from "./config_file.ts";
import { DEFAULTS, type ServerConfig } from "./options.ts";

/**
 * The effective settings: defaults, then the config file (`--config`, or the one beside ROOT),
 * then the flags. The
 * data dir defaults to `.modts` beside ROOT, and the session store to a file in it.
 */
export async function resolveConfig(
  rootArg: string | undefined,
  flags: Partial<ServerConfig>,
  /** A config file named with `--config` (then none is looked for beside ROOT). */
  explicitFile?: string,
): Promise<{ config: ServerConfig; configFile: string | null }> {
  const root = resolve(rootArg ?? "public");
  const configFile = explicitFile !== undefined
    ? resolve(explicitFile)
    : await findConfigFile(root);
  const fromFile = configFile ? await readConfigFile(configFile) : {};
  return { config: completeConfig(root, { ...fromFile, ...flags }), configFile };
}

/** `settings` over the defaults; the data dir beside ROOT and the store in it unless set. */
export function completeConfig(root: string, settings: Partial<ServerConfig>): ServerConfig {
  const merged = { ...DEFAULTS, ...settings };
  const dataDir = resolve(merged.dataDir ?? join(dirname(root), ".modts"));
  const kv = merged.kv ?? join(dataDir, "kv.sqlite3");
  return { ...merged, root, dataDir, kv };
}
