// Pages as modules: what the module loader calls to make a `.psp` file's module. The page and
// its includes are expanded, compiled with Eta (or the compilation is taken from the disk
// cache), and handed to the loader, which links the page's imports and reloads it when the
// page, an include or anything it imports changes — as it does for modules.
import { traced } from "../log/tracing.ts";
import type { FileVersion, Freshness } from "../modules/freshness.ts";
import type { SourceProvider } from "../modules/loader.ts";
import { ModuleError } from "../modules/module_error.ts";
import { compilePage, locateSyntaxError, pageRuntime } from "./compile.ts";
import type { DiskCache } from "./disk_cache.ts";
import { expand, type Origin, PspError } from "./expand.ts";

/** What the loader keeps with a page's module. */
export interface PageMeta {
  /** Where each line of the expanded page came from. */
  origins: Origin[];
  /** Where each `<%@ import %>` statement was written. */
  imports: Origin[];
  usesSession: boolean;
  /** The `this` the page function runs with (see pageRuntime). */
  runtime: ReturnType<typeof pageRuntime>;
}

export class PageSource implements SourceProvider {
  constructor(
    /** Compilations kept across restarts (none: memory only). */
    private disk: DiskCache | null,
    private log: (message: string) => void,
  ) {}

  async load(path: string, freshness: Freshness, root: string): Promise<{
    code: string;
    files: Map<string, FileVersion>;
    meta: PageMeta;
  }> {
    try {
      const expanded = await expand(path, root, freshness);
      let compiled = (await this.disk?.get(path, expanded.sources))?.compiled;
      if (!compiled) {
        const started = performance.now();
        compiled = traced(
          "modts.page.compile",
          { "modts.page": path },
          () => compilePage(expanded),
        );
        this.log(`psp: compiled ${path} (${(performance.now() - started).toFixed(1)} ms)`);
        await this.disk?.set(path, compiled, expanded.origins, expanded.sources);
      }
      const meta: PageMeta = {
        origins: expanded.origins,
        imports: expanded.imports.map((i) => i.origin),
        usesSession: compiled.usesSession,
        runtime: pageRuntime(expanded.origins),
      };
      return { code: compiled.code, files: expanded.files, meta };
    } catch (e) {
      if (e instanceof PspError) throw await pageError(e.reason, e.file, e.line);
      throw e;
    }
  }

  async syntaxError(path: string, code: string, meta: unknown, error: SyntaxError) {
    const { origins, imports } = meta as PageMeta;
    const origin = await locateSyntaxError(code, origins, imports);
    return await pageError(`syntax error: ${error.message}`, origin.file ?? path, origin.line);
  }
}

/** An error at a line of a page or include, with the excerpt the debug page shows. */
export async function pageError(
  message: string,
  file: string,
  line: number,
  cause?: unknown,
): Promise<ModuleError> {
  const source = await Deno.readTextFile(file).catch(() => undefined);
  return new ModuleError(message, file, { line, source, cause });
}
