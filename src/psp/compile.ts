// A page → an ES module whose default export is one async function. Eta compiles the tags
// (`<% %>`, `<%= %>` escaped with our escapeHtml, `<%~ %>` raw, trim markers); modts wraps
// its code with the page scope and puts the page's `<%@ import %>` statements on top. Eta's
// own include/layout/cache machinery is not used: includes were inlined by expand.ts, and
// loading, caching and reload are the module loader's job (src/modules/loader.ts).
import { Eta, loadBabelParser } from "../deps.ts";
import { escapeHtml } from "../http/html.ts";
import type { Expanded, Origin } from "./expand.ts";
import { PspError } from "./expand.ts";

const eta = new Eta({
  autoEscape: true,
  autoTrim: false, // text passes through byte for byte
  useWith: false,
  varName: "it",
  debug: true, // `__eta.line` tracking: runtime errors name their line
});

/**
 * Eta turns CR LF and lone CR in text into LF; CRs are carried through it as a character of
 * Unicode's private use area that the page does not hold (so text passes byte for byte),
 * and restored in the generated string literals.
 */
function crCarrier(text: string): string {
  for (let c = 0xe000; c <= 0xf8ff; c++) {
    const ch = String.fromCharCode(c);
    if (!text.includes(ch)) return ch;
  }
  throw new Error("the page uses every private-use character");
}

// Eta's debug wrapper reports a runtime error with its message only; ours keeps the output
// produced so far, for the error page.
const ETA_CATCH =
  "} catch (e) { this.RuntimeErr(e, __eta.templateStr, __eta.line, options.filepath) }";
const OUR_CATCH = "} catch (e) { this.fail(e, __eta.line, __eta.res) }";

export interface PageScope {
  req: unknown;
  form: unknown;
  psp: unknown;
  it: unknown;
  error?: unknown;
  /** Present only when the page's code mentions `session`. */
  session?: () => Promise<unknown>;
}

export interface CompiledPage {
  /** The page's module: its imports, then a default export of (scope, options) => html. */
  code: string;
  usesSession: boolean;
}

/** Thrown by a page at run time: the error, where, and the output produced before it. */
export class PageFailure extends Error {
  constructor(
    readonly error: unknown,
    readonly origin: Origin | undefined,
    readonly output: string,
  ) {
    super(error instanceof Error ? error.message : String(error));
    this.name = "PageFailure";
  }
}

/** Compiles an expanded page; syntax errors come out as PspError with file and line. */
export function compilePage(page: Expanded): CompiledPage {
  let body: string;
  const CR = crCarrier(page.text);
  try {
    body = eta.compileToString(page.text.replaceAll("\r", CR), { async: true });
  } catch (e) {
    const m = /line (\d+)/.exec((e as Error).message);
    const origin = page.origins[(m ? Number(m[1]) : 1) - 1] ?? page.origins[0];
    throw new PspError((e as Error).message.split("\n")[0], origin.file, origin.line);
  }
  if (!body.includes(ETA_CATCH)) throw new Error("unexpected Eta output (see src/psp/compile.ts)");
  // Only the code in tags counts: "session" in the page's text creates no session.
  const tags = (page.text.match(/<%[\s\S]*?%>/g) ?? []).join("\n");
  const usesSession = /\bsession\b/.test(tags);
  // One import per line, first: a syntax error on line N <= imports is import N's.
  const imports = page.imports.map((i) => `${i.statement.replaceAll("\n", " ")};\n`).join("");
  const code = `${imports}export default async function (__scope, options) {
const { req, form, psp, it, error } = __scope;
${usesSession ? "const session = await __scope.session();\n" : ""}${
    body.replace(ETA_CATCH, OUR_CATCH).replaceAll(CR, "\\r")
  }
}`;
  return { code, usesSession };
}

export type PageFunction = (scope: PageScope, options: { filepath: string }) => Promise<string>;

/**
 * Where in the page a JavaScript syntax error of its module lies. V8 says only what is wrong;
 * @babel/parser gives the generated line: one of the import lines on top, or after them the
 * last Eta line marker (`__eta.line=N`) before it names the page line.
 */
export async function locateSyntaxError(
  code: string,
  origins: Origin[],
  imports: Origin[],
): Promise<Origin> {
  let generatedLine = code.split("\n").length;
  try {
    const { parse } = await loadBabelParser();
    parse(code, { sourceType: "module" });
  } catch (e) {
    generatedLine = (e as { loc?: { line: number } }).loc?.line ?? generatedLine;
  }
  if (generatedLine <= imports.length) return imports[generatedLine - 1];
  let pageLine = 1;
  for (const line of code.split("\n").slice(0, generatedLine)) {
    const m = /^__eta\.line=(\d+)$/.exec(line);
    if (m) pageLine = Number(m[1]);
  }
  return origins[pageLine - 1] ?? origins[0];
}

/** The `this` a page function runs with: what Eta's generated code expects of it. */
export function pageRuntime(origins: Origin[]) {
  return {
    config: { escapeFunction: escapeHtml, filterFunction: String },
    fail(e: unknown, line: number, output: string): never {
      throw new PageFailure(e, origins[line - 1], output);
    },
  };
}
