// An error located in a user's source file: `file:line:col: message`, and for the debug page
// an excerpt of the lines around it (escaped there, like everything on that page).

/** Lines `line - 2` to `line + 2` of `source`, numbered, the erring one marked (and its column). */
export function sourceExcerpt(source: string, line: number, column?: number): string {
  const lines = source.split("\n");
  const first = Math.max(1, line - 2);
  const out: string[] = [];
  for (let n = first; n <= Math.min(lines.length, line + 2); n++) {
    out.push(`${String(n).padStart(5)}${n === line ? ">" : " "} ${lines[n - 1]}`);
    if (n === line && column !== undefined && column > 0) {
      out.push(`${" ".repeat(7 + column - 1)}^`);
    }
  }
  return out.join("\n");
}

export class ModuleError extends Error {
  override name = "ModuleError";
  readonly line?: number;
  readonly column?: number;
  /** What the user's module threw while it loaded, when that is what went wrong. */
  readonly thrown?: unknown;
  /** The text `line` and `column` point into, for the debug page's excerpt. */
  readonly source?: string;

  constructor(
    /** What went wrong, without the location. */
    readonly reason: string,
    readonly file: string,
    where: {
      line?: number;
      column?: number;
      source?: string;
      cause?: unknown;
      thrown?: unknown;
    } = {},
  ) {
    const at = where.line === undefined
      ? file
      : `${file}:${where.line}${where.column === undefined ? "" : `:${where.column}`}`;
    super(`${at}: ${reason}`, { cause: where.cause });
    this.line = where.line;
    this.column = where.column;
    this.thrown = where.thrown;
    this.source = where.source;
    const parts = [this.message];
    if (where.line !== undefined && where.source !== undefined) {
      parts.push(sourceExcerpt(where.source, where.line, where.column));
    }
    if (where.cause instanceof Error && where.cause.stack) parts.push(where.cause.stack);
    this.stack = parts.join("\n\n");
  }
}
