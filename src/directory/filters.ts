// Output filters: the response body through the directories' and the request's
// TransformStreams, then (when a directory turns it on) compression.
import type { FilterFactory, Req } from "../api/request.ts";

function withBody(res: Response, body: ReadableStream<Uint8Array>, headers: Headers): Response {
  return new Response(body, { status: res.status, statusText: res.statusText, headers });
}

export function filterOutput(res: Response, filters: readonly FilterFactory[], req: Req): Response {
  // Reading `res.body` turns a byte body into a stream Deno then sends chunked, without
  // Content-Length: look at it only when there is a filter.
  if (filters.length === 0 || res.body === null) return res;
  let body: ReadableStream<Uint8Array> = res.body;
  for (const f of filters) body = body.pipeThrough(f(req));
  const headers = new Headers(res.headers);
  // The filter decides the length now; ranges no longer match the bytes.
  headers.delete("content-length");
  headers.delete("accept-ranges");
  return withBody(res, body, headers);
}

const COMPRESSIBLE =
  /^(?:text\/|application\/(?:json|javascript|xml|xhtml\+xml|ld\+json|manifest\+json|wasm)|image\/svg\+xml)/i;
/** Below this, compression costs more than it saves. */
const MIN_COMPRESS_BYTES = 1024;

/** "br" or "gzip" as the client accepts them (q > 0), br first; null for neither. */
function negotiate(accept: string | null): "br" | "gzip" | null {
  if (!accept) return null;
  const q = new Map<string, number>();
  for (const part of accept.toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    q.set(name.trim(), qp ? Number(qp.slice(2)) || 0 : 1);
  }
  const ok = (n: string) => (q.get(n) ?? q.get("*") ?? 0) > 0;
  return ok("br") ? "br" : ok("gzip") ? "gzip" : null;
}

/**
 * The response gzip- or brotli-compressed when the client accepts it and it is worth it: a
 * compressible type, not already encoded, not a range, and over 1 KiB (a body of unknown
 * length is read up to that point to find out).
 */
export async function compress(res: Response, req: Req): Promise<Response> {
  const type = res.headers.get("content-type");
  if (
    res.body === null || res.status === 206 || res.headers.has("content-encoding") ||
    res.headers.has("content-range") || !type || !COMPRESSIBLE.test(type)
  ) return res;
  const headers = new Headers(res.headers);
  headers.append("vary", "Accept-Encoding");
  const encoding = negotiate(req.headers.get("accept-encoding"));
  const length = headers.get("content-length");
  if (!encoding || (length !== null && Number(length) < MIN_COMPRESS_BYTES)) {
    return withBody(res, res.body, headers);
  }
  const reader = res.body.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  while (size < MIN_COMPRESS_BYTES) {
    const r = await reader.read();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(r.value);
    size += r.value.length;
  }
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of head) controller.enqueue(chunk);
      if (ended) controller.close();
    },
    async pull(controller) {
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  if (ended && size < MIN_COMPRESS_BYTES) return withBody(res, rest, headers);
  headers.delete("content-length");
  headers.delete("accept-ranges");
  headers.set("content-encoding", encoding);
  // The bytes differ from the identity representation's: a strong validator would lie.
  const etag = headers.get("etag");
  if (etag && !etag.startsWith("W/")) headers.set("etag", `W/${etag}`);
  // Deno's CompressionStream knows "brotli" besides the standard formats.
  const format = (encoding === "br" ? "brotli" : "gzip") as CompressionFormat;
  const stream = new CompressionStream(format) as unknown as TransformStream<
    Uint8Array,
    Uint8Array
  >;
  return withBody(res, rest.pipeThrough(stream), headers);
}
