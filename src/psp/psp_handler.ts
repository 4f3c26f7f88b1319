import { dirname, join, resolve } from "node:path";
import type { Diagnostic, Handler } from "../dispatch/registry.ts";
import { statusPage } from "../http/error_pages.ts";
import { HttpError } from "../http/status.ts";
import { Freshness } from "../modules/freshness.ts";
import type { Req } from "../request/request.ts";
import { PageFailure, type PageScope } from "./compile.ts";
import { DiskCache } from "./disk_cache.ts";
import { PspError } from "./expand.ts";
import { compile, type Page, PageCache } from "./pages.ts";

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

/** An error located in a page's source, with an excerpt for the debug page. */
async function located(message: string, file: string, line: number, cause?: unknown) {
  const lines = (await Deno.readTextFile(file).catch(() => "")).split("\n");
  const first = Math.max(1, line - 2);
  const excerpt = lines.slice(first - 1, line + 2)
    .map((text, i) => `${String(first + i).padStart(5)}${first + i === line ? ">" : " "} ${text}`)
    .join("\n");
  const err = new Error(`${file}:${line}: ${message}`, { cause });
  const stack = cause instanceof Error ? `\n${cause.stack}` : "";
  err.stack = `${err.message}\n\n${excerpt}${stack}`;
  return err;
}

/** Server pages (SPEC §7). */
export class PspHandler implements Handler {
  readonly acceptsPathInfo = false;
  #pages: PageCache;

  constructor(options: {
    autoreload: boolean;
    fsTtlMs: number;
    /** Where compiled pages are kept across restarts (none: memory only). */
    cacheDir?: string;
    log?: (message: string) => void;
  }) {
    const disk = options.cacheDir ? new DiskCache(options.cacheDir) : null;
    this.#pages = new PageCache(
      options.autoreload,
      options.fsTtlMs,
      disk,
      options.log ?? (() => {}),
    );
  }

  handle(req: Req): Promise<Response> | Response {
    if (!METHODS.includes(req.method)) {
      return statusPage(405, undefined, { allow: METHODS.join(", ") });
    }
    return this.render(req, req.filename, {});
  }

  /** Renders the page at `file` for `req` with `it` = `data` (also behind `req.render`). */
  async render(req: Req, file: string, data: unknown): Promise<Response> {
    const root = req.site.root;
    if (!file.startsWith(root + "/")) throw new HttpError(404);
    const page = await this.#load(file, root, req.settings.autoreload);
    const form = await req.loadForm();
    const psp = pspObject(file, root);
    const scope: PageScope = { req, form, psp: psp.api, it: data };
    if (page.usesSession) scope.session = () => req.session();
    let html: string;
    try {
      html = await run(page, scope, file);
    } catch (e) {
      if (!(e instanceof PageFailure)) throw e;
      if (e.error instanceof PspRedirect) return req.redirect(e.error.location, e.error.status);
      const errorPageFile = psp.state.errorPage;
      if (!errorPageFile?.startsWith(root + "/")) throw await this.#runtimeError(e, file);
      const errorPage = await this.#load(errorPageFile, root, req.settings.autoreload);
      html = e.output + await run(errorPage, { ...scope, error: e.error }, errorPageFile);
    }
    req.contentType ??= "text/html; charset=utf-8";
    return req.respond(html);
  }

  async #load(file: string, root: string, autoreload: boolean): Promise<Page> {
    try {
      return await this.#pages.get(file, root, autoreload);
    } catch (e) {
      // The page itself is missing (an include that is missing is a PspError).
      if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.IsADirectory) {
        throw new HttpError(404);
      }
      if (e instanceof PspError) {
        throw await located(e.message.replace(/^.*?:\d+: /, ""), e.file, e.line);
      }
      throw e;
    }
  }

  #runtimeError(e: PageFailure, file: string) {
    const where = e.origin ?? { file, line: 1 };
    return located(e.message, where.file, where.line, e.error);
  }

  /** Compile errors with file:line, for `main.ts check`. */
  async check(files: string[], realRoot: string): Promise<Diagnostic[]> {
    const problems: Diagnostic[] = [];
    const freshness = new Freshness(0);
    for (const file of files) {
      try {
        await compile(file, realRoot, freshness);
      } catch (e) {
        if (!(e instanceof PspError)) throw e;
        problems.push({ file: e.file, line: e.line, message: e.message.replace(/^.*?:\d+: /, "") });
      }
    }
    return problems;
  }
}

function run(page: Page, scope: PageScope, file: string): Promise<string> {
  return page.fn.call(page.runtime, scope, { filepath: file });
}
