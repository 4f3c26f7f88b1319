// What a `_directory.ts` may export (SPEC §6), and how a directory's exports merge onto the
// settings of its parent: the nearest file wins per key, hooks and filters stack parent first.
import type { Req } from "../request/request.ts";
import type { Exports } from "../modules/loader.ts";
import { DEFAULT_SESSION, type SessionSettings } from "../session/settings.ts";

export const PHASES = ["access", "authen", "authz", "fixup", "log", "cleanup"] as const;
export type Phase = typeof PHASES[number];

/**
 * What a hook returns: "OK", "DECLINED", "DONE" (mod_python's apache.OK, …), an HTTP status,
 * or nothing (OK).
 */
export type HookResult = "OK" | "DECLINED" | "DONE" | number | undefined | void;
export type Hook = (req: Req) => HookResult | Promise<HookResult>;

/** Makes the stream one body (or the request's body) goes through. */
export type FilterFactory = (req: Req) => TransformStream<Uint8Array, Uint8Array>;

/** A mounted app: anything with `fetch`, such as a Hono app. */
export interface FetchApp {
  fetch(request: Request, env: MountEnv): Response | Promise<Response>;
}

/** The second argument of a mounted app's `fetch` (Hono: `c.env`). */
export interface MountEnv {
  /** The URL path the app is mounted at, without a trailing slash ("" at the root). */
  mountPath: string;
  /** modts's request object: session, user, options, log. */
  req: Req;
}

/** `export const config` in `_directory.ts`. */
export interface DirectoryConfig {
  debug?: boolean;
  autoreload?: boolean;
  /** Read by `req.options`; an empty value removes an inherited key. */
  options?: Record<string, string>;
  session?: Partial<SessionSettings>;
  directoryIndex?: string[];
  /** Largest request body in bytes. */
  maxBodySize?: number;
  /** Status → a page (URL path in the document root) answering with that status. */
  errorDocuments?: Record<number, string>;
  /** Which kinds of file are served here (e.g. `{ module: false }` in an uploads folder). */
  handlers?: Partial<Record<ServedKind, boolean>>;
  /** gzip/br for compressible bodies when the client accepts it. */
  compress?: boolean;
  /** Serves `modts-info` in this directory and below: the effective settings. */
  diagnostics?: boolean;
  /** The realm of the Basic challenge a hook's 401 carries. */
  realm?: string;
}

export type ServedKind = "static" | "module" | "page";

/** The effective settings of one directory. */
export interface Settings {
  debug: boolean;
  autoreload: boolean;
  options: Readonly<Record<string, string>>;
  session: Readonly<SessionSettings>;
  directoryIndex: readonly string[];
  maxBodySize: number;
  errorDocuments: Readonly<Record<number, string>>;
  handlers: Readonly<Record<ServedKind, boolean>>;
  compress: boolean;
  diagnostics: boolean;
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
  directoryIndex: readonly string[];
}): Settings {
  return {
    ...server,
    options: {},
    session: DEFAULT_SESSION,
    errorDocuments: {},
    handlers: { static: true, module: true, page: true },
    compress: false,
    diagnostics: false,
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
  const bool = (k: keyof DirectoryConfig) =>
    check(file, k, config[k] === undefined || typeof config[k] === "boolean", "true or false");
  bool("debug");
  bool("autoreload");
  bool("compress");
  bool("diagnostics");
  const records = ["options", "session", "errorDocuments", "handlers"] as const;
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
    errorDocuments: { ...parent.errorDocuments, ...config.errorDocuments },
    handlers: { ...parent.handlers, ...config.handlers },
    compress: config.compress ?? parent.compress,
    diagnostics: config.diagnostics ?? parent.diagnostics,
    realm: config.realm ?? parent.realm,
    hooks,
    inputFilters: filters("inputFilters"),
    outputFilters: filters("outputFilters"),
    mount,
    files: [...parent.files, file],
  };
}
