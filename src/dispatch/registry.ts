import { type LoaderOptions, ModuleLoader, type SourceProvider } from "../modules/loader.ts";
import type { Settings } from "../directory/settings.ts";
import type { Exchange, SiteEnv } from "../request/exchange.ts";
import type { FileKind } from "./names.ts";

/** A problem `main.ts check` reports. */
export interface Diagnostic {
  file: string;
  line?: number;
  message: string;
}

/** The content handler for one kind of file. */
export interface Handler {
  /** Whether a URL may go on past the file (`/hello.ts/say`); static files say no. */
  readonly acceptsPathInfo: boolean;
  /** Extensions URLs may leave out: with ".ts", `/hello/say` finds `hello.ts`. */
  readonly implicitExtensions?: readonly string[];
  handle(ex: Exchange): Response | Promise<Response>;
  /** Files of this kind made into modules by the handler's own compiler (pages). */
  readonly moduleSource?: { extension: string; provider: SourceProvider };
  /** Problems in the files of this kind (loaded with the site's `modules`), for `check`. */
  check?(files: string[], modules: ModuleLoader): Promise<Diagnostic[]>;
}

/**
 * A page modts serves itself, under a name no file there takes (`DIR/modts-info`), in a
 * directory whose settings turn it on.
 */
export interface BuiltinPage {
  /** The last segment of its URL. */
  name: string;
  enabled(settings: Settings): boolean;
  /** The page for the directory `dir` (at `urlDir`, ending in `/`). */
  render(
    settings: Settings,
    dir: string,
    urlDir: string,
    site: SiteEnv,
  ): Response | Promise<Response>;
}

/**
 * Which handler serves which kind of file, and which built-in pages exist. The dispatcher only
 * asks this registry, so the publisher and server pages plug in by registering a kind; a kind
 * with no handler (such as "source") is never served.
 */
export class HandlerRegistry {
  #handlers = new Map<FileKind, Handler>();
  #pages: BuiltinPage[] = [];

  register(kind: FileKind, handler: Handler): this {
    this.#handlers.set(kind, handler);
    return this;
  }

  /** Adds a built-in page (the diagnostics, the OpenAPI document). */
  page(page: BuiltinPage): this {
    this.#pages.push(page);
    return this;
  }

  /** The built-in page `pathname` names in a directory with the settings `s`, if any. */
  builtinPage(s: Settings, pathname: string): BuiltinPage | undefined {
    for (const page of this.#pages) {
      if (page.enabled(s) && pathname.endsWith(`/${page.name}`)) return page;
    }
  }

  get(kind: FileKind): Handler | undefined {
    return this.#handlers.get(kind);
  }

  entries(): IterableIterator<[FileKind, Handler]> {
    return this.#handlers.entries();
  }

  /** The site's module loader, with the handlers' own module sources plugged in. */
  moduleLoader(options: LoaderOptions): ModuleLoader {
    const modules = new ModuleLoader(options);
    for (const handler of this.#handlers.values()) {
      if (handler.moduleSource) {
        modules.provide(handler.moduleSource.extension, handler.moduleSource.provider);
      }
    }
    return modules;
  }

  get implicitExtensions(): string[] {
    return [...this.#handlers.values()].flatMap((h) => h.implicitExtensions ?? []);
  }
}
