// The debug page (only with debug on): what went wrong, where in the user's own source, and the
// stack with the user's frames first — everything escaped, and still a 500, so that nothing
// downstream mistakes it for success (mod_python's MODPYTHON-151 and -167).
import { ModuleError } from "../modules/module_error.ts";
import { escapeHtml } from "./html.ts";
import { HTML, pageHead } from "./error_pages.ts";

/** modts's own source folder: frames from there are not the user's code. */
const MODTS_SRC = new URL("../", import.meta.url).href;
/** Frames of modts, of the runtime and of npm packages (a transpiler's, say): folded. */
const INTERNAL_FRAME = new RegExp(
  `^\\s+at .*(?:${
    RegExp.escape(MODTS_SRC)
  }|\\(?(?:ext|node):|/node_modules/|/npm/registry\\.|<anonymous>)`,
);
const FRAME = /^\s+at /;
const FILE_PLACE = /file:\/\/(\/[^\s():]+):(\d+):(\d+)/;
/** Compiled server pages run as generated code: their frames do not point into the page. */
const COMPILED = /\.psp$/i;

const STYLE = "body{max-width:60rem;margin-top:4vh}" +
  "pre{background:#8881;padding:.6rem .8rem;border-radius:4px;overflow-x:auto;font-size:.85rem}" +
  ".message{font-size:1.1rem;font-weight:600;white-space:pre-wrap}" +
  ".source mark{background:#e0405030;color:inherit}" +
  ".source .n{color:#888;user-select:none}summary{cursor:pointer;color:#888}";

/** Where in the user's source an error happened. */
interface Place {
  file: string;
  line: number;
  column?: number;
  source?: string;
}

export async function debugPage(
  error: unknown,
  where: string,
  stack: string,
  json = false,
): Promise<Response> {
  const err = error instanceof Error ? error : new Error(String(error));
  const own: string[] = [];
  const internal: string[] = [];
  for (const line of stack.split("\n")) {
    if (FRAME.test(line)) (INTERNAL_FRAME.test(line) ? internal : own).push(line.trim());
  }
  const message = headline(err);
  const place = await placeOf(err, own);
  const at = place && `${place.file}:${place.line}${place.column ? `:${place.column}` : ""}`;
  if (json) {
    return Response.json({ status: 500, error: message, at, stack: own.join("\n") }, {
      status: 500,
    });
  }
  const excerpt = place?.source === undefined
    ? ""
    : `<pre class="source">${sourceLines(place.source, place.line, place.column)}</pre>\n`;
  const frames = own.length === 0 ? "" : `<pre>${escapeHtml(own.join("\n"))}</pre>\n`;
  const folded = internal.length === 0 ? "" : `<details><summary>${internal.length} frames of ` +
    `modts, the runtime and npm packages</summary>\n<pre>${
      escapeHtml(internal.join("\n"))
    }</pre></details>\n`;
  const body = `${pageHead("500 Internal Server Error", STYLE)}<h1>500 Internal Server Error</h1>
<p>While serving <code>${escapeHtml(where)}</code>:</p>
<p class="message">${escapeHtml(message)}</p>
${at ? `<p>at <code>${escapeHtml(at)}</code></p>\n` : ""}${excerpt}${frames}${folded}` +
    `<p><small>This page is shown because debug is on. Turn it off in production.</small></p>\n`;
  return new Response(body, {
    status: 500,
    headers: { "content-type": HTML, "x-content-type-options": "nosniff" },
  });
}

/** What went wrong in one line: a located error's reason, with the class of what was thrown. */
function headline(err: Error): string {
  if (!(err instanceof ModuleError)) return `${err.name}: ${err.message}`;
  const cause = err.cause;
  return cause instanceof Error && cause.message === err.reason
    ? `${cause.name}: ${err.reason}`
    : err.reason;
}

/**
 * The place a located error names (a syntax error, a page's line), else the first frame of the
 * user's own code, with the text around it read from the file.
 */
async function placeOf(err: Error, own: string[]): Promise<Place | undefined> {
  if (err instanceof ModuleError && err.line !== undefined) {
    const { file, line, column } = err;
    return { file, line, column, source: err.source ?? await readSource(file) };
  }
  for (const frame of own) {
    const m = FILE_PLACE.exec(frame);
    if (!m || COMPILED.test(m[1])) continue;
    const file = decodeURIComponent(m[1]);
    return { file, line: Number(m[2]), column: Number(m[3]), source: await readSource(file) };
  }
  return undefined;
}

function readSource(file: string): Promise<string | undefined> {
  return Deno.readTextFile(file).catch(() => undefined);
}

/** Lines around `line`, numbered and escaped, the erring one marked and its column pointed at. */
function sourceLines(source: string, line: number, column?: number): string {
  const lines = source.split("\n");
  if (line > lines.length) return "";
  const last = Math.min(lines.length, line + 3);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = Math.max(1, line - 3); n <= last; n++) {
    const text = `<span class="n">${String(n).padStart(width)}</span>  ${escapeHtml(lines[n - 1])}`;
    if (n !== line) {
      out.push(text);
      continue;
    }
    const caret = column && column > 0
      ? `\n<span class="n">${" ".repeat(width)}</span>  ${" ".repeat(column - 1)}^`
      : "";
    out.push(`<mark>${text}${caret}</mark>`);
  }
  return out.join("\n");
}
