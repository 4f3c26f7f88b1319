// Where a place in a transpiled module really is. Modules whose code moved (TypeScript that
// needed Deno's transform, JSX, decorators) keep their source map here, by URL; stack traces
// shown by modts (the debug page, the log, errors while loading) are mapped back to the
// user's own lines and columns. (`error.stack` as user code sees it stays unmapped for those
// modules: Deno maps only the frames of modules it loaded itself.)
import { originalPositionFor, TraceMap } from "../deps.ts";

const FRAME = /(file:\/\/[^\s():]+):(\d+):(\d+)/g;

export class ModulePositions {
  #maps = new Map<string, string | TraceMap>();

  /** The source map of the current version of the module at `url` (none: positions hold). */
  set(url: string, map: string | undefined): void {
    if (map === undefined) this.#maps.delete(url);
    else this.#maps.set(url, map);
  }

  /** The user's line and column (1-based) for a place in `url`'s code. */
  original(url: string, line: number, column: number): { line: number; column: number } {
    let map = this.#maps.get(url);
    if (map === undefined) return { line, column };
    if (typeof map === "string") this.#maps.set(url, map = new TraceMap(map));
    const at = originalPositionFor(map, { line, column: column - 1 });
    return at.line === null ? { line, column } : { line: at.line, column: at.column + 1 };
  }

  /** `stack` with each `file:///…:LINE:COL` of a mapped module at the user's place. */
  mapStack(stack: string): string {
    if (this.#maps.size === 0) return stack;
    return stack.replace(FRAME, (all, url: string, line: string, column: string) => {
      if (!this.#maps.has(url)) return all;
      const at = this.original(url, Number(line), Number(column));
      return `${url}:${at.line}:${at.column}`;
    });
  }
}
