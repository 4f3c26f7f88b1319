import { escapeHtml } from "./html.ts";
import { statusText } from "./status.ts";

export const HTML = "text/html; charset=utf-8";

/**
 * The one style of every page modts writes itself (status pages and the debug page): the demo
 * site's look, inline so that a page stays one small response with no assets to fetch.
 */
export const PAGE_STYLE = ":root{color-scheme:light dark;--accent:#2f6fde}" +
  "body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:10vh auto;padding:0 1rem}" +
  "h1{font-size:1.6rem;margin:0 0 .5rem;padding-bottom:.2rem;border-bottom:2px solid var(--accent)}" +
  "p{margin:.5rem 0}small{color:#888}";

/** The head every page modts writes starts with. */
export function pageHead(title: string, style = ""): string {
  return `<!doctype html>\n<html lang="en">\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${escapeHtml(title)}</title>\n<style>${PAGE_STYLE}${style}</style>\n`;
}

/** What a status means to a visitor, when nothing more specific was said. */
const EXPLAINED: Record<number, string> = {
  400: "The request could not be understood.",
  401: "This page needs you to sign in.",
  403: "This address is not open to you.",
  404: "Nothing is served at this address.",
  405: "This address does not take that method.",
  500: "Something went wrong on the server. It has been logged.",
  503: "The server cannot answer right now. Try again shortly.",
};

/** A plain status page that says nothing beyond the status and the optional (escaped) detail. */
export function statusPage(status: number, detail?: string, headers?: HeadersInit): Response {
  const text = statusText(status);
  const said = detail && detail !== text ? detail : EXPLAINED[status];
  const extra = said ? `<p>${escapeHtml(said)}</p>\n` : "";
  const body = `${pageHead(`${status} ${text}`)}<h1>${status} ${text}</h1>\n${extra}`;
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
