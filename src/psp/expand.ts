// The PSP directives, handled before Eta sees the page: `<%-- comment --%>`,
// `<%@ include file="part.psp" %>` (textual, relative to the including file, recursive) and
// `<%@ import … from "./x.ts" %>` (an import statement of the page's module).
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { FileVersion, Freshness } from "../modules/freshness.ts";

/** A compile error located in a page or an include. */
export class PspError extends Error {
  constructor(readonly reason: string, readonly file: string, readonly line: number) {
    super(`${file}:${line}: ${reason}`);
    this.name = "PspError";
  }
}

/** Where a line of the expanded text came from. */
export interface Origin {
  file: string;
  line: number;
}

export interface Expanded {
  text: string;
  /** Origin of each line of `text` (index 0 is line 1). */
  origins: Origin[];
  /** The page and every file it includes, with what they were when read. */
  files: Map<string, FileVersion>;
  /** Their contents. */
  sources: Map<string, string>;
  /** The `<%@ import %>` statements, relative specifiers made absolute, with their origins. */
  imports: { statement: string; origin: Origin }[];
}

const DIRECTIVE = /<%@([\s\S]*?)%>/g;
const INCLUDE = /^\s*include\s+file\s*=\s*"([^"]+)"\s*$/;
const IMPORT = /^\s*(import\b[\s\S]*?);?\s*$/;
/** The specifier of an import statement (`from "x"`, or `import "x"`). */
const SPECIFIER = /(\bfrom\s*|^import\s*)(["'])([^"']+)\2/;
const COMMENT = /<%--[\s\S]*?--%>/g;

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/**
 * The page with its includes inlined and its comments removed. A comment becomes an empty
 * code tag holding its newlines, so no output comes of it and later lines keep their numbers.
 */
export async function expand(
  file: string,
  realRoot: string,
  freshness: Freshness,
): Promise<Expanded> {
  const out: Expanded = {
    text: "",
    origins: [],
    files: new Map(),
    sources: new Map(),
    imports: [],
  };
  await inline(file, realRoot, freshness, out, []);
  return out;
}

async function inline(
  file: string,
  realRoot: string,
  freshness: Freshness,
  out: Expanded,
  stack: string[],
): Promise<void> {
  const { source, seen } = await freshness.read(file);
  out.files.set(file, seen);
  out.sources.set(file, source);
  const text = source.replace(COMMENT, (c) => `<%${c.replace(/[^\n]/g, "")}%>`);
  let at = 0;
  let line = 1;
  // Appends text from `file` starting at `line`; an expanded line's origin is recorded
  // when something is written on it (a file ending in a newline leaves the next line to
  // whatever comes after it).
  const emit = (chunk: string) => {
    const lines = chunk.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const startsLine = i > 0 || out.text === "" || out.text.endsWith("\n");
      const written = lines[i] !== "" || i < lines.length - 1;
      if (startsLine && written) out.origins.push({ file, line: line + i });
    }
    out.text += chunk;
    line += lines.length - 1;
  };
  for (const m of text.matchAll(DIRECTIVE)) {
    emit(text.slice(at, m.index));
    const where = lineAt(text, m.index);
    const statement = IMPORT.exec(m[1])?.[1];
    if (statement !== undefined) {
      out.imports.push({ statement: absolute(statement, file), origin: { file, line: where } });
      // Like a comment: no output, and the lines after it keep their numbers.
      emit(`<%${m[0].replace(/[^\n]/g, "")}%>`);
      at = m.index + m[0].length;
      continue;
    }
    const include = INCLUDE.exec(m[1]);
    if (!include) throw new PspError(`unknown directive <%@${m[1]}%>`, file, where);
    const target = include[1].startsWith("/")
      ? join(realRoot, include[1])
      : resolve(dirname(file), include[1]);
    const real = await Deno.realPath(target).catch(() => null);
    if (real === null) throw new PspError(`included file not found: ${include[1]}`, file, where);
    if (!real.startsWith(realRoot + "/")) {
      throw new PspError(`include leaves the document root: ${include[1]}`, file, where);
    }
    if (stack.includes(real) || real === file) {
      throw new PspError(`include loop: ${include[1]}`, file, where);
    }
    await inline(real, realRoot, freshness, out, [...stack, file]);
    line += m[0].split("\n").length - 1;
    at = m.index + m[0].length;
  }
  emit(text.slice(at));
}

/** `statement` with a relative specifier resolved against `file`, where it was written. */
function absolute(statement: string, file: string): string {
  return statement.replace(
    SPECIFIER,
    (all, before: string, quote: string, specifier: string) =>
      specifier.startsWith("./") || specifier.startsWith("../")
        ? `${before}${quote}${new URL(specifier, pathToFileURL(file)).href}${quote}`
        : all,
  );
}
