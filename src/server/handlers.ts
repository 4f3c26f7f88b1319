import { HandlerRegistry } from "../dispatch/registry.ts";
import { StaticHandler } from "../static/static_handler.ts";

/** The handlers modts ships, by file kind. The publisher and server pages register here. */
export function defaultRegistry(): HandlerRegistry {
  return new HandlerRegistry().register("static", new StaticHandler());
}

/** Index files tried for a directory URL, in order (SPEC §2). */
export const DIRECTORY_INDEX = ["index.ts", "index.psp", "index.html"] as const;
