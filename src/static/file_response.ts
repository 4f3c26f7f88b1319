import { ifRangeHolds, parseRange, preconditionStatus } from "../http/conditional.ts";
import { statusPage } from "../http/error_pages.ts";
import type { FileEntry } from "./file_entry.ts";
import { fileStream } from "./file_stream.ts";

const CONDITIONAL = ["if-match", "if-none-match", "if-modified-since", "if-unmodified-since"];

function validatorHeaders(entry: FileEntry, extra?: HeadersInit): Headers {
  const h = new Headers(extra);
  h.set("etag", entry.etag);
  h.set("last-modified", entry.lastModifiedHttp);
  return h;
}

/**
 * The response for a file: 200, 206, 304, 412 or 416, with Content-Type, Content-Length,
 * ETag, Last-Modified and Accept-Ranges (RFC 9110 §13–14; the rules are listed in
 * shared/reference/libraries.md §4). Hono's serveStatic does none of the conditional or range
 * handling, and srvx/@remix-run got some cases wrong, hence this hand-written version.
 */
export function fileResponse(
  raw: Request,
  entry: FileEntry,
  extra?: HeadersInit,
  /** Where the representation starts in the file (for `req.sendFile` of a part). */
  offset = 0,
): Response {
  const h = raw.headers;
  const method = raw.method;
  if (CONDITIONAL.some((name) => h.has(name))) {
    const status = preconditionStatus(h, method, entry);
    if (status === 304) {
      return new Response(null, { status, headers: validatorHeaders(entry, extra) });
    }
    if (status === 412) return statusPage(412);
  }
  const headers = validatorHeaders(entry, extra);
  headers.set("content-type", entry.contentType);
  headers.set("accept-ranges", "bytes");
  let start = 0;
  let length = entry.size;
  let status = 200;
  const rangeHeader = method === "GET" ? h.get("range") : null;
  if (rangeHeader !== null && ifRangeHolds(h, entry)) {
    const range = parseRange(rangeHeader, entry.size);
    if (range === "unsatisfiable") {
      return statusPage(416, undefined, { "content-range": `bytes */${entry.size}` });
    }
    if (range !== null) {
      status = 206;
      start = range.start;
      length = range.end - range.start + 1;
      headers.set("content-range", `bytes ${range.start}-${range.end}/${entry.size}`);
    }
  }
  headers.set("content-length", String(length));
  if (method === "HEAD") return new Response(null, { status, headers });
  const body = entry.bytes
    ? (length === entry.bytes.length ? entry.bytes : entry.bytes.subarray(start, start + length))
    : fileStream(entry.path, offset + start, length);
  return new Response(body, { status, headers });
}
