import { traced } from "../log/tracing.ts";
import { dirname, join, resolve } from "node:path";
import type { Diagnostic, Handler } from "../dispatch/registry.ts";
import { statusPage } from "../http/error_pages.ts";
import { HttpError } from "../http/status.ts";
import type { LoadedModule, ModuleLoader } from "../modules/loader.ts";
import { ModuleError } from "../modules/module_error.ts";
import type { Exchange } from "../request/exchange.ts";
import { PageFailure, type PageFunction, type PageScope } from "./compile.ts";
import { DiskCache } from "./disk_cache.ts";
import { pageError, type PageMeta, PageSource } from "./page_source.ts";

const METHODS = ["GET", "HEAD", "POST"];

/** `psp.redirect()` unwinds the page with this. */
class PspRedirect {
  constructor(readonly location: string, readonly status: number) {}
}

/** The `psp` object in a page's scope. */
function pspObject(file: string, realRoot: string) {
  const state = { errorPage: undefined as string | undefined };
  return {
    state,
    api: {
      /** A page to render after an exception: `/x.psp` from the root, else relative. */
      setErrorPage(path: string) {
        state.errorPage = path.startsWith("/")
          ? join(realRoot, path)
          : resolve(dirname(file), path);
      },
      /** Leaves the page with a redirect (302, or 301 when permanent). */
      redirect(location: string, permanent = false): never {
        throw new PspRedirect(location, permanent ? 301 : 302);
      },
    },
  };
}

/** Server pages (SPEC §7). */
export class PspHandler implements Handler {
  readonly acceptsPathInfo = false;
  /** Pages are modules that PageSource makes (the site's module loader asks it). */
  readonly moduleSource: { extension: ".psp"; provider: PageSource };

  constructor(options: {
    /** Where compiled pages are kept across restarts (none: memory only). */
    cacheDir?: string;
    log?: (message: string) => void;
  }) {
    const disk = options.cacheDir ? new DiskCache(options.cacheDir) : null;
    this.moduleSource = {
      extension: ".psp",
      provider: new PageSource(disk, options.log ?? (() => {})),
    };
  }

  handle(ex: Exchange): Promise<Response> | Response {
    if (!METHODS.includes(ex.method)) {
      return statusPage(405, undefined, { allow: METHODS.join(", ") });
    }
    return this.render(ex, ex.target.file, {});
  }

  /** Renders the page at `file` for the request with `it` = `data` (also behind `req.render`). */
  async render(ex: Exchange, file: string, data: unknown): Promise<Response> {
    const root = ex.site.root;
    if (!file.startsWith(root + "/")) throw new HttpError(404);
    const page = await load(ex, file);
    const form = await ex.loadForm();
    const psp = pspObject(file, root);
    const scope: PageScope = { req: ex.req, form, psp: psp.api, it: data };
    if ((page.meta as PageMeta).usesSession) scope.session = () => ex.session();
    let html: string;
    try {
      html = await traced(
        "modts.page.render",
        { "modts.page": file.slice(root.length) },
        () => run(page, scope, file),
      );
    } catch (e) {
      if (!(e instanceof PageFailure)) throw e;
      if (e.error instanceof PspRedirect) return ex.req.redirect(e.error.location, e.error.status);
      if (e.error instanceof HttpError) throw e.error;
      const errorPageFile = psp.state.errorPage;
      if (!errorPageFile?.startsWith(root + "/")) throw await runtimeError(e, file);
      const errorPage = await load(ex, errorPageFile);
      html = e.output + await run(errorPage, { ...scope, error: e.error }, errorPageFile);
    }
    ex.contentType ??= "text/html; charset=utf-8";
    return ex.respond(html);
  }

  /** Compile errors (and errors of what pages import) with file:line, for `main.ts check`. */
  async check(files: string[], modules: ModuleLoader): Promise<Diagnostic[]> {
    const problems: Diagnostic[] = [];
    for (const file of files) {
      try {
        await modules.load(file);
      } catch (e) {
        if (!(e instanceof ModuleError)) throw e;
        problems.push({ file: e.file, line: e.line, message: e.reason });
      }
    }
    return problems;
  }
}

/** A page's module; a missing page is a 404 (a missing include is a compile error). */
async function load(ex: Exchange, file: string): Promise<LoadedModule> {
  try {
    return await ex.site.modules.load(file, ex.settings.autoreload);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.IsADirectory) {
      throw new HttpError(404);
    }
    throw e;
  }
}

function runtimeError(e: PageFailure, file: string) {
  const where = e.origin ?? { file, line: 1 };
  return pageError(e.message, where.file, where.line, e.error);
}

function run(page: LoadedModule, scope: PageScope, file: string): Promise<string> {
  const fn = page.exports.default as PageFunction;
  return fn.call((page.meta as PageMeta).runtime, scope, { filepath: file });
}
