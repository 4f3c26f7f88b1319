import { escapeHtml } from "./html.ts";
import { statusText } from "./status.ts";

const HTML = "text/html; charset=utf-8";

/** A plain status page that says nothing beyond the status and the optional (escaped) detail. */
export function statusPage(status: number, detail?: string, headers?: HeadersInit): Response {
  const text = statusText(status);
  const extra = detail && detail !== text ? `<p>${escapeHtml(detail)}</p>\n` : "";
  const body = `<!doctype html>\n<title>${status} ${text}</title>\n<h1>${status} ${text}</h1>\n` +
    extra;
  const h = new Headers(headers);
  h.set("content-type", HTML);
  h.set("x-content-type-options", "nosniff");
  return new Response(body, { status, headers: h });
}

/**
 * The same for a client that asks for JSON (src/http/accept.ts): `{"status", "error"}`, the
 * error being the detail (safe to show, as on the page) or the reason phrase.
 */
export function statusJson(status: number, detail?: string, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/json");
  const error = detail || statusText(status);
  return new Response(JSON.stringify({ status, error }), { status, headers: h });
}

/** modts's own source folder, and the runtime's: frames from there are not the user's code. */
const MODTS_SRC = new URL("../", import.meta.url).href;
const INTERNAL_FRAME = new RegExp(`^\\s+at .*(?:${RegExp.escape(MODTS_SRC)}|\\(?(?:ext|node):)`);

/**
 * The error's stack with the frames of modts and of the runtime taken out, and those frames:
 * the user's own lines come first (`file:///path:line:col`), the rest is folded.
 */
function splitStack(stack: string): { own: string; internal: string[] } {
  const own: string[] = [];
  const internal: string[] = [];
  for (const line of stack.split("\n")) (INTERNAL_FRAME.test(line) ? internal : own).push(line);
  return { own: own.join("\n"), internal };
}

/**
 * The debug page (only with debug on): the escaped error and stack, and still a 500, so
 * that nothing downstream mistakes it for success (mod_python's MODPYTHON-151 and -167).
 * Frames of modts and of the runtime are folded under the user's own.
 */
export function debugPage(
  error: unknown,
  where: string,
  stack?: string,
  json = false,
): Response {
  const err = error instanceof Error ? error : new Error(String(error));
  const { own, internal } = splitStack(stack ?? err.stack ?? `${err.name}: ${err.message}`);
  if (json) {
    const body = { status: 500, error: `${err.name}: ${err.message}`, stack: own };
    return Response.json(body, { status: 500 });
  }
  const folded = internal.length === 0
    ? ""
    : `<details><summary>${internal.length} frames of modts and the runtime</summary>
<pre>${escapeHtml(internal.join("\n"))}</pre></details>
`;
  const body = `<!doctype html>
<title>500 Internal Server Error</title>
<h1>500 Internal Server Error</h1>
<p>While serving <code>${escapeHtml(where)}</code>:</p>
<pre>${escapeHtml(own)}</pre>
${folded}<p><small>This page is shown because debug is on. Turn it off in production.</small></p>
`;
  return new Response(body, {
    status: 500,
    headers: { "content-type": HTML, "x-content-type-options": "nosniff" },
  });
}
