import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  convert,
  OPTIONS,
  type ServerConfig,
  SITE_KEYS,
  type SiteEntry,
  UsageError,
} from "./options.ts";
import { checkInterpreter, checkInterpreters } from "./interpreters.ts";

/** Config file names, looked for beside ROOT (in its parent directory). */
export const CONFIG_NAMES = ["modts.config.json", "modts.config.ts"];

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The config file beside `root`, if any; two of them is an error. */
export async function findConfigFile(root: string): Promise<string | null> {
  const dir = dirname(resolve(root));
  const found: string[] = [];
  for (const name of CONFIG_NAMES) {
    if (await exists(join(dir, name))) found.push(join(dir, name));
  }
  if (found.length > 1) throw new UsageError(`both ${found.join(" and ")} exist: keep one`);
  return found[0] ?? null;
}

/**
 * Reads a config file (JSON, or a TS module whose default export is the object) and checks
 * every key and value with the same rules as the flags. Relative paths in it are relative
 * to the file.
 */
export async function readConfigFile(path: string): Promise<Partial<ServerConfig>> {
  let data: unknown;
  try {
    data = path.endsWith(".json")
      ? JSON.parse(await Deno.readTextFile(path))
      : (await import(pathToFileURL(path).href)).default;
  } catch (e) {
    throw new UsageError(`${path}: ${e instanceof Error ? e.message : e}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return checkSettings(data, path, dirname(path));
  }
  const { sites, interpreters, ...rest } = data as Record<string, unknown>;
  const out = checkSettings(rest, path, dirname(path));
  if (interpreters !== undefined) {
    out.interpreters = checkInterpreters(interpreters, path, dirname(path));
  }
  if (sites !== undefined) out.sites = checkSites(sites, path);
  return out;
}

// A host name as a Host header carries it (lower case, no port), or "*" for any other.
const HOST_NAME = /^(?:\*|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)$/;

/**
 * `sites`: host name → a root (a path) or `{ root, …site settings }`; paths relative to the
 * config file.
 */
function checkSites(data: unknown, path: string): Record<string, SiteEntry> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError(`${path}: "sites" must map host names to document roots`);
  }
  if (Object.keys(data).length === 0) throw new UsageError(`${path}: "sites" names no site`);
  const base = dirname(path);
  const out: Record<string, SiteEntry> = {};
  for (const [host, value] of Object.entries(data)) {
    const where = `${path}: sites["${host}"]`;
    if (!HOST_NAME.test(host)) {
      throw new UsageError(`${where}: not a host name (lower case, no port) or "*"`);
    }
    const entry = typeof value === "string" ? { root: value } : value;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new UsageError(`${where}: expected a root or { root, …settings }`);
    }
    const { root, interpreter, interpreters, ...settings } = entry as Record<string, unknown>;
    if (typeof root !== "string" || root === "") {
      throw new UsageError(`${where}: "root" is missing`);
    }
    const checked = checkSettings(settings, where, base, SITE_KEYS);
    // `interpreter`: the whole site in one; `interpreters`: prefixes of this site.
    if (interpreter !== undefined && interpreters !== undefined) {
      throw new UsageError(`${where}: give "interpreter" or "interpreters", not both`);
    }
    if (interpreter !== undefined) {
      checked.interpreters = { "/": checkInterpreter(interpreter, `${where}.interpreter`, base) };
    } else if (interpreters !== undefined) {
      checked.interpreters = checkInterpreters(interpreters, where, base);
    }
    out[host] = { root: resolve(base, root), settings: checked };
  }
  return out;
}

/**
 * Checks every key and value of a settings object (a config file's, or `createHandler`'s)
 * with the same rules as the flags; relative paths become relative to `base`.
 */
export function checkSettings(
  data: unknown,
  where: string,
  base: string,
  keys: readonly string[] = OPTIONS.map((o) => o.key),
): Partial<ServerConfig> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError(`${where}: expected an object of settings`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const spec = OPTIONS.find((o) => o.key === key);
    if (!spec || !keys.includes(key)) {
      throw new UsageError(`${where}: unknown setting "${key}" (known: ${keys.join(", ")})`);
    }
    if (spec.key === "accessLog" && value === null) {
      out[key] = null;
      continue;
    }
    let v = convert(spec, value, where);
    if (typeof v === "string" && isPathLike(spec.key, v) && !isAbsolute(v)) v = join(base, v);
    out[key] = v;
  }
  return out as Partial<ServerConfig>;
}

function isPathLike(key: string, value: string): boolean {
  if (key === "dataDir" || key === "unix" || key === "cert" || key === "key") return true;
  if (key === "accessLog") return value !== "-";
  if (key === "kv") return value !== ":memory:" && !/^(?:https?|rediss?):\/\//.test(value);
  return false;
}
