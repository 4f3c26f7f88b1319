// What a `_directory.ts` may export (SPEC §6), and how a directory's exports merge onto the
// settings of its parent: the nearest file wins per key, hooks and filters stack parent first.
import type { FilterFactory, Hook, Phase } from "../api/request.ts";
import type { DirectoryConfig, FetchApp, ServedKind } from "../api/directory.ts";
import type { Exports } from "../modules/loader.ts";
import { DEFAULT_SESSION, type SessionSettings } from "../session/settings.ts";

export const PHASES = ["access", "authen", "authz", "fixup", "log", "cleanup"] as const;

/** The effective settings of one directory. */
export interface Settings {
  debug: boolean;
  autoreload: boolean;
  options: Readonly<Record<string, string>>;
  session: Readonly<SessionSettings>;
  directoryIndex: readonly string[];
  maxBodySize: number;
  requestTimeout: number;
  errorDocuments: Readonly<Record<number, string>>;
  /** Headers added to every response that lacks them, lower-cased names. */
  headers: readonly (readonly [string, string])[];
  handlers: Readonly<Record<ServedKind, boolean>>;
  compress: boolean;
  diagnostics: boolean;
  openapi: boolean;
  realm: string;
  hooks: Readonly<Record<Phase, readonly Hook[]>>;
  inputFilters: readonly FilterFactory[];
  outputFilters: readonly FilterFactory[];
  /** The nearest mounted app, with the URL path of its directory. */
  mount: { app: FetchApp; path: string } | null;
  /** The `_directory.ts` files that made these settings, root first. */
  files: readonly string[];
}

/** The document root's settings before any `_directory.ts`: the server's. */
export function baseSettings(server: {
  debug: boolean;
  autoreload: boolean;
  maxBodySize: number;
  requestTimeout: number;
  directoryIndex: readonly string[];
}): Settings {
  return {
    ...server,
    options: {},
    session: DEFAULT_SESSION,
    errorDocuments: {},
    headers: [["x-content-type-options", "nosniff"]],
    handlers: { static: true, module: true, page: true },
    compress: false,
    diagnostics: false,
    openapi: false,
    realm: "modts",
    hooks: { access: [], authen: [], authz: [], fixup: [], log: [], cleanup: [] },
    inputFilters: [],
    outputFilters: [],
    mount: null,
    files: [],
  };
}

const KNOWN_EXPORTS = new Set<string>([
  "config",
  ...PHASES,
  "inputFilters",
  "outputFilters",
  "default",
]);

const CONFIG_KEYS = new Set<string>(
  [
    "debug",
    "autoreload",
    "options",
    "session",
    "directoryIndex",
    "maxBodySize",
    "requestTimeout",
    "errorDocuments",
    "headers",
    "handlers",
    "compress",
    "diagnostics",
    "openapi",
    "realm",
  ] satisfies (keyof DirectoryConfig)[],
);

/** The parent's default headers with this directory's set, replaced or (null) removed. */
function mergeHeaders(
  file: string,
  parent: Settings["headers"],
  own: DirectoryConfig["headers"],
): Settings["headers"] {
  if (own === undefined) return parent;
  const merged = new Map(parent);
  for (const [name, value] of Object.entries(own)) {
    const key = name.toLowerCase();
    if (value === null) merged.delete(key);
    else {
      try {
        new Headers([[key, value]]);
      } catch {
        fail(file, `config.headers.${name} is not a valid header`);
      }
      merged.set(key, value);
    }
  }
  return [...merged];
}

/** Every session setting, with the type its value must have. */
const SESSION_KEYS: Record<keyof SessionSettings, "string" | "number"> = {
  cookieName: "string",
  path: "string",
  domain: "string",
  timeout: "number",
  secret: "string",
  sameSite: "string",
  lockTimeout: "number",
};

const SERVED_KINDS: Record<ServedKind, true> = { static: true, module: true, page: true };

function fail(file: string, message: string): never {
  throw new Error(`${file}: ${message}`);
}

function list<T>(file: string, name: string, value: unknown): T[] {
  const items = Array.isArray(value) ? value : [value];
  for (const f of items) {
    if (typeof f !== "function") fail(file, `${name} must be a function or an array of functions`);
  }
  return items as T[];
}

function check(file: string, key: string, ok: boolean, what: string): void {
  if (!ok) fail(file, `config.${key} must be ${what}`);
}

/** `parent` with the exports of the `_directory.ts` at `file` (URL path `urlDir`) on top. */
export function merge(parent: Settings, exports: Exports, file: string, urlDir: string): Settings {
  for (const name of Object.keys(exports)) {
    if (!KNOWN_EXPORTS.has(name)) fail(file, `unknown export "${name}"`);
  }
  const config = (exports.config ?? {}) as DirectoryConfig;
  if (typeof config !== "object" || config === null) fail(file, "config must be an object");
  for (const key of Object.keys(config)) {
    if (!CONFIG_KEYS.has(key)) fail(file, `unknown key config.${key}`);
  }
  for (const [key, value] of Object.entries(config.session ?? {})) {
    const type = Object.hasOwn(SESSION_KEYS, key)
      ? SESSION_KEYS[key as keyof SessionSettings]
      : fail(file, `unknown key config.session.${key}`);
    if (value !== undefined && typeof value !== type) {
      fail(file, `config.session.${key} must be a ${type}`);
    }
  }
  for (const key of Object.keys(config.handlers ?? {})) {
    if (!Object.hasOwn(SERVED_KINDS, key)) fail(file, `unknown key config.handlers.${key}`);
  }
  const bool = (k: keyof DirectoryConfig) =>
    check(file, k, config[k] === undefined || typeof config[k] === "boolean", "true or false");
  bool("debug");
  bool("autoreload");
  bool("compress");
  bool("diagnostics");
  bool("openapi");
  const records = ["options", "session", "errorDocuments", "handlers", "headers"] as const;
  for (const k of records) {
    check(file, k, config[k] === undefined || typeof config[k] === "object", "an object");
  }
  check(
    file,
    "maxBodySize",
    config.maxBodySize === undefined ||
      (Number.isSafeInteger(config.maxBodySize) && config.maxBodySize >= 0),
    "a number of bytes",
  );
  check(
    file,
    "requestTimeout",
    config.requestTimeout === undefined ||
      (Number.isFinite(config.requestTimeout) && config.requestTimeout >= 0),
    "a number of seconds (0: no limit)",
  );
  check(
    file,
    "directoryIndex",
    config.directoryIndex === undefined ||
      (Array.isArray(config.directoryIndex) &&
        config.directoryIndex.every((n) => typeof n === "string" && !n.includes("/"))),
    "an array of file names",
  );

  const options: Record<string, string> = { ...parent.options };
  for (const [k, v] of Object.entries(config.options ?? {})) {
    if (v === "") delete options[k];
    else options[k] = String(v);
  }
  const session = { ...parent.session, ...config.session };

  const hooks = { ...parent.hooks };
  for (const phase of PHASES) {
    if (exports[phase] !== undefined) {
      hooks[phase] = [...parent.hooks[phase], ...list<Hook>(file, phase, exports[phase])];
    }
  }
  const filters = (name: "inputFilters" | "outputFilters") =>
    exports[name] === undefined
      ? parent[name]
      : [...parent[name], ...list<FilterFactory>(file, name, exports[name])];

  let mount = parent.mount;
  const app = exports.default as FetchApp | undefined;
  if (app !== undefined) {
    if (typeof app?.fetch !== "function") fail(file, "the default export must have fetch()");
    mount = { app, path: urlDir.replace(/\/$/, "") };
  }

  return {
    debug: config.debug ?? parent.debug,
    autoreload: config.autoreload ?? parent.autoreload,
    options,
    session,
    directoryIndex: config.directoryIndex ?? parent.directoryIndex,
    maxBodySize: config.maxBodySize ?? parent.maxBodySize,
    requestTimeout: config.requestTimeout ?? parent.requestTimeout,
    errorDocuments: { ...parent.errorDocuments, ...config.errorDocuments },
    headers: mergeHeaders(file, parent.headers, config.headers),
    handlers: { ...parent.handlers, ...config.handlers },
    compress: config.compress ?? parent.compress,
    diagnostics: config.diagnostics ?? parent.diagnostics,
    openapi: config.openapi ?? parent.openapi,
    realm: config.realm ?? parent.realm,
    hooks,
    inputFilters: filters("inputFilters"),
    outputFilters: filters("outputFilters"),
    mount,
    files: [...parent.files, file],
  };
}
