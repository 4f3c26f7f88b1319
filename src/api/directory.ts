// The contract of `_directory.ts` (SPEC §6): what it may export. Part of the public API
// (mod.ts); see src/api/session.ts for why this folder imports nothing from the rest of modts.
import type { Req } from "./request.ts";
import type { SessionConfig } from "./session.ts";

/** A hook result: go on (in `authen`/`authz`: this hook decided). */
export const OK = "OK";
/** A hook result: this hook has nothing to say; the next one decides. */
export const DECLINED = "DECLINED";
/** A hook result: the request is answered with what was written so far. */
export const DONE = "DONE";

/** The kinds of file a directory can serve or not. */
export type ServedKind = "static" | "module" | "page";

/** `export const config` in `_directory.ts`; every key is optional and inherited. */
export interface DirectoryConfig {
  debug?: boolean;
  autoreload?: boolean;
  /** Read by `req.options`; an empty value removes an inherited key. */
  options?: Record<string, string>;
  /**
   * Headers every response from here carries unless it sets them itself (the default:
   * `X-Content-Type-Options: nosniff`); `null` removes an inherited one.
   */
  headers?: Record<string, string | null>;
  session?: SessionConfig;
  directoryIndex?: string[];
  /** Largest request body in bytes. */
  maxBodySize?: number;
  /**
   * Seconds a handler may take before its request is answered 503 (0: no limit); the
   * server's `--request-timeout` by default.
   */
  requestTimeout?: number;
  /** Status → a page (URL path in the document root) answering with that status. */
  errorDocuments?: Record<number, string>;
  /** Which kinds of file are served here (e.g. `{ module: false }` in an uploads folder). */
  handlers?: Partial<Record<ServedKind, boolean>>;
  /** gzip/br for compressible bodies when the client accepts it. */
  compress?: boolean;
  /** Serves `modts-info` in this directory and below: the effective settings. */
  diagnostics?: boolean;
  /**
   * Serves `modts-openapi.json` in this directory and below: an OpenAPI 3.1 document of the
   * functions its modules publish.
   */
  openapi?: boolean;
  /** The realm of the Basic challenge a hook's 401 carries. */
  realm?: string;
}

/** The second argument of a mounted app's `fetch` (Hono: `c.env`). */
export interface MountEnv {
  /** The URL path the app is mounted at, without a trailing slash ("" at the root). */
  mountPath: string;
  /** modts's request object: session, user, options, log. */
  req: Req;
}

/** A mounted app (`export default` in `_directory.ts`): anything with `fetch`, such as Hono. */
export interface FetchApp {
  fetch(request: Request, env: MountEnv): Response | Promise<Response>;
}
