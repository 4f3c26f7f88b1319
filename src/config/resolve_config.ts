import { dirname, join, resolve } from "node:path";
import { findConfigFile, readConfigFile } from "./config_file.ts";
import { DEFAULTS, type ServerConfig } from "./options.ts";

/**
 * The effective settings: defaults, then the config file beside ROOT, then the flags. The
 * data dir defaults to `.modts` beside ROOT, and the session store to a file in it.
 */
export async function resolveConfig(
  rootArg: string | undefined,
  flags: Partial<ServerConfig>,
): Promise<{ config: ServerConfig; configFile: string | null }> {
  const root = resolve(rootArg ?? "public");
  const configFile = await findConfigFile(root);
  const fromFile = configFile ? await readConfigFile(configFile) : {};
  const merged = { ...DEFAULTS, ...fromFile, ...flags };
  const dataDir = resolve(merged.dataDir ?? join(dirname(root), ".modts"));
  const kv = merged.kv ?? join(dataDir, "kv.sqlite3");
  return { config: { ...merged, root, dataDir, kv }, configFile };
}
