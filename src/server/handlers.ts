import { HandlerRegistry } from "../dispatch/registry.ts";
import { ModuleLoader } from "../modules/loader.ts";
import { PspHandler } from "../psp/psp_handler.ts";
import { Publisher } from "../publisher/publisher.ts";
import { StaticHandler } from "../static/static_handler.ts";

export interface RegistryOptions {
  /** Whether an access log will read Content-Length from responses. */
  accessLog: boolean;
  autoreload: boolean;
  /** How long a module's files are trusted unchanged. */
  fsTtlMs: number;
  /** The user-module loader, shared with `_directory.ts` loading. */
  modules: ModuleLoader;
  /** Where compiled pages are kept across restarts. */
  cacheDir?: string;
  log?: (message: string) => void;
}

/** The handlers modts ships, by file kind. */
export function defaultRegistry(
  options: RegistryOptions = {
    accessLog: false,
    autoreload: true,
    fsTtlMs: 1000,
    modules: new ModuleLoader(true, 1000),
  },
): HandlerRegistry {
  return new HandlerRegistry()
    .register("static", new StaticHandler({ declareLength: options.accessLog }))
    .register("module", new Publisher(options))
    .register("page", new PspHandler(options));
}

/** Index files tried for a directory URL, in order (SPEC §2). */
export const DIRECTORY_INDEX = ["index.ts", "index.psp", "index.html"] as const;
