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
 * The debug page (only with debug on): the escaped error and stack, and still a 500, so
 * that nothing downstream mistakes it for success (mod_python's MODPYTHON-151 and -167).
 */
export function debugPage(error: unknown, where: string): Response {
  const err = error instanceof Error ? error : new Error(String(error));
  const body = `<!doctype html>
<title>500 Internal Server Error</title>
<h1>500 Internal Server Error</h1>
<p>While serving <code>${escapeHtml(where)}</code>:</p>
<pre>${escapeHtml(err.stack ?? `${err.name}: ${err.message}`)}</pre>
<p><small>This page is shown because debug is on. Turn it off in production.</small></p>
`;
  return new Response(body, {
    status: 500,
    headers: { "content-type": HTML, "x-content-type-options": "nosniff" },
  });
}
