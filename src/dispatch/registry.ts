import type { Exchange } from "../request/exchange.ts";
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
  /** Problems in the files of this kind under a root, for `main.ts check`. */
  check?(files: string[], realRoot: string): Promise<Diagnostic[]>;
}

/**
 * Which handler serves which kind of file. The dispatcher only asks this registry, so the
 * publisher and server pages plug in by registering a kind; a kind with no handler (such as
 * "source") is never served.
 */
export class HandlerRegistry {
  #handlers = new Map<FileKind, Handler>();

  register(kind: FileKind, handler: Handler): this {
    this.#handlers.set(kind, handler);
    return this;
  }

  get(kind: FileKind): Handler | undefined {
    return this.#handlers.get(kind);
  }

  entries(): IterableIterator<[FileKind, Handler]> {
    return this.#handlers.entries();
  }

  get implicitExtensions(): string[] {
    return [...this.#handlers.values()].flatMap((h) => h.implicitExtensions ?? []);
  }
}
