/**
 * modts's public API: the only module user code imports (`import { HttpError, type Req }
 * from "modts"`). Publisher modules, pages and `_directory.ts` files get the running server's
 * own instance of it without any configuration; a site's deno.json maps `modts` to this file
 * for editors and `deno check`. Everything else under src/ is internal.
 *
 * @module
 */
import type { ModuleHot } from "./src/api/hot.ts";
import type { HandlerSettings, SiteHandler } from "./src/api/handler.ts";

export type {
  AnsweredError,
  Chunk,
  CookieOptions,
  Credentials,
  FieldValue,
  FilterFactory,
  Form,
  Hook,
  HookResult,
  Phase,
  Req,
  Upload,
} from "./src/api/request.ts";
export type { Session, SessionConfig } from "./src/api/session.ts";
export type { DirectoryConfig, FetchApp, MountEnv, ServedKind } from "./src/api/directory.ts";
export { DECLINED, DONE, OK } from "./src/api/directory.ts";
export type { ModuleHot } from "./src/api/hot.ts";
export { HttpError } from "./src/http/status.ts";
export { escapeHtml } from "./src/http/html.ts";
export type { ConnectionInfo, HandlerSettings, SiteHandler } from "./src/api/handler.ts";

/**
 * The whole server for one document root as a fetch handler:
 * `export default await createHandler({ root: "./public" })` under `deno serve`, or
 * `app.mount("/legacy", site.fetch)` in a Hono app. Settings are checked like the config
 * file's; a bad one throws.
 */
export async function createHandler(settings: HandlerSettings): Promise<SiteHandler> {
  // Loaded by a computed specifier, so that type-checking a user's module against mod.ts
  // never walks the server's module graph.
  const server = new URL("./src/server/create_handler.ts", import.meta.url).href;
  const { createSiteHandler } = await import(server);
  return await createSiteHandler(settings);
}

// The one global type modts adds: users know `import.meta.hot` from Vite, and it must
// type-check in any module of theirs that imports modts. (JSR forbids global augmentation,
// hence deno.json turns its no-slow-types lint off: modts is reached by path, not from JSR.)
declare global {
  interface ImportMeta {
    /**
     * Set in modules modts loads (undefined under plain `deno run`, hence `?.`):
     * `import.meta.hot?.dispose(() => db.close())`.
     */
    readonly hot?: ModuleHot;
  }
}
