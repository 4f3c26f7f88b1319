import { HandlerRegistry } from "../dispatch/registry.ts";
import { DIAGNOSTICS_NAME, diagnosticsPage } from "../directory/diagnostics.ts";
import { OPENAPI_NAME, openApiPage } from "../openapi/page.ts";
import { PspHandler } from "../psp/psp_handler.ts";
import { Publisher } from "../publisher/publisher.ts";
import { StaticHandler } from "../static/static_handler.ts";

export interface RegistryOptions {
  /** Whether an access log will read Content-Length from responses. */
  accessLog: boolean;
  /** Where compiled pages are kept across restarts. */
  cacheDir?: string;
  log?: (message: string) => void;
}

/** The handlers modts ships, by file kind, and its built-in pages. */
export function defaultRegistry(options: RegistryOptions = { accessLog: false }): HandlerRegistry {
  return new HandlerRegistry()
    .register("static", new StaticHandler({ declareLength: options.accessLog }))
    .register("module", new Publisher())
    .register("page", new PspHandler(options))
    .page({
      name: DIAGNOSTICS_NAME,
      enabled: (s) => s.diagnostics,
      render: (s, _dir, urlDir) => diagnosticsPage(s, urlDir),
    })
    .page({ name: OPENAPI_NAME, enabled: (s) => s.openapi, render: openApiPage });
}

/** Index files tried for a directory URL, in order (SPEC §2). */
export const DIRECTORY_INDEX = ["index.ts", "index.tsx", "index.psp", "index.html"] as const;
