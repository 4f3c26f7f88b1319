// TypeScript → JavaScript at the same lines and columns, so that `error.stack` in user code
// names the places `deno run` names. (Deno source-maps its own modules' frames, but not those
// of node:vm modules: a reprinted module would report reprinted positions.)
//
// Deno's type stripper has two modes. "strip" blanks the types out and keeps every position,
// but keeps imports and exports of names that are only types (TypeScript elides those, and a
// module importing an interface would then fail to link); "transform" elides them but reprints
// the module. So the module is stripped, and each import or export clause that transforming
// changed is rewritten in place, within its own characters, as the transform has it. Anything
// else that differs makes this give up (null): the caller then uses the transformed code.
import { loadModuleLexer } from "../deps.ts";

type Lexed = Awaited<ReturnType<typeof lex>>;

async function lex(code: string) {
  const { init, parse } = await loadModuleLexer();
  await init;
  const [imports, exports] = parse(code);
  return {
    imports: imports.filter((i) => i.type === "static" || i.type === "reexport-star"),
    // `export *` is an import too; the others export names.
    exports: exports.flatMap((e) =>
      e.type === "reexport-all" ? [] : [{ name: e.name, exportStart: e.exportStart }]
    ),
  };
}

/** A statement with only the spaces that separate words (`import{b}from"x"`); strings kept. */
function compact(statement: string): string {
  return statement.split(/("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')/)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(/\s+/g, " ").replace(/ ?([{}(),;*:]) ?/g, "$1").trim()
    )
    .join("").replace(/;$/, "");
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * `text` in place of `code[start, end)`: on the span's first line, keeping its line breaks
 * and the column it ended at, so nothing after it moves. Null if it does not fit (a one-line
 * span shorter than `text`).
 */
function fit(code: string, { start, end, text }: Edit): string | null {
  const span = code.slice(start, end);
  const breaks = span.split("\n").length - 1;
  if (breaks === 0) return text.length <= span.length ? text.padEnd(span.length) : null;
  const lastColumn = span.length - span.lastIndexOf("\n") - 1;
  return text + "\n".repeat(breaks) + " ".repeat(lastColumn);
}

/** Import statements: rewritten or blanked as the transform has them. */
function importEdits(code: string, stripped: Lexed, transformed: string, t: Lexed): Edit[] | null {
  const edits: Edit[] = [];
  let j = 0;
  for (const s of stripped.imports) {
    const statement = code.slice(s.importStart, s.importEnd);
    const match = t.imports[j];
    if (match?.specifier !== s.specifier) {
      edits.push({ start: s.importStart, end: s.importEnd, text: "" });
      continue;
    }
    j++;
    const wanted = compact(transformed.slice(match.importStart, match.importEnd));
    if (compact(statement) !== wanted) {
      edits.push({ start: s.importStart, end: s.importEnd, text: wanted });
    }
  }
  return j === t.imports.length ? edits : null;
}

/** `export { … }` clauses without the names the transform elided (types). */
function exportEdits(code: string, stripped: Lexed, t: Lexed): Edit[] | null {
  const kept = new Set(t.exports.map((e) => e.name));
  if (t.exports.some((e) => !stripped.exports.some((s) => s.name === e.name))) return null;
  const clauses = new Map<number, string[]>();
  for (const e of stripped.exports) {
    clauses.set(e.exportStart, [...clauses.get(e.exportStart) ?? [], e.name]);
  }
  const edits: Edit[] = [];
  for (const [start, names] of clauses) {
    if (names.every((name) => kept.has(name))) continue;
    // Only a local `export { a, b as c }` clause can lose names; anything else: give up.
    const open = code.indexOf("{", start);
    const end = code.indexOf("}", open) + 1;
    if (end === 0 || !/^export\s*\{$/.test(code.slice(start, open + 1))) return null;
    if (/^\s*from/.test(code.slice(end))) return null;
    const specifiers = code.slice(open + 1, end - 1).split(",").map((p) => p.trim())
      .filter((p) => p !== "" && kept.has(p.split(/\s+as\s+/).at(-1)!));
    edits.push({
      start,
      end,
      text: specifiers.length > 0 ? `export{${specifiers.join(",")}}` : "",
    });
  }
  return edits;
}

/**
 * `stripped` (the "strip" mode output of `source`) with the import and export clauses of
 * `transformed` (the "transform" mode output): positions of everything else unchanged. Null
 * when they cannot be reconciled that way.
 */
export async function reconcileElisions(
  stripped: string,
  transformed: string,
): Promise<string | null> {
  const s = await lex(stripped);
  const t = await lex(transformed);
  const imports = importEdits(stripped, s, transformed, t);
  const exports = exportEdits(stripped, s, t);
  if (imports === null || exports === null) return null;
  const edits = [...imports, ...exports].sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const edit of edits) {
    const text = fit(stripped, edit);
    if (text === null || edit.start < at) return null;
    out += stripped.slice(at, edit.start) + text;
    at = edit.end;
  }
  out += stripped.slice(at);
  // What links must be what the transform links.
  const check = await lex(out);
  const same = check.imports.length === t.imports.length &&
    check.imports.every((i, n) =>
      compact(out.slice(i.importStart, i.importEnd)) ===
        compact(transformed.slice(t.imports[n].importStart, t.imports[n].importEnd))
    ) &&
    [...new Set(check.exports.map((e) => e.name))].sort().join() ===
      [...new Set(t.exports.map((e) => e.name))].sort().join();
  return same ? out : null;
}
