import { HandlerRegistry } from "../dispatch/registry.ts";
import { StaticHandler } from "../static/static_handler.ts";

export interface RegistryOptions {
  /** Whether an access log will read Content-Length from responses. */
  accessLog: boolean;
}

/** The handlers modts ships, by file kind. The publisher and server pages register here. */
export function defaultRegistry(options: RegistryOptions = { accessLog: false }): HandlerRegistry {
  return new HandlerRegistry().register(
    "static",
    new StaticHandler({ declareLength: options.accessLog }),
  );
}

/** Index files tried for a directory URL, in order (SPEC §2). */
export const DIRECTORY_INDEX = ["index.ts", "index.psp", "index.html"] as const;
