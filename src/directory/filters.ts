// Output filters: the response body through the directories' and the request's
// TransformStreams, then (when a directory turns it on) compression.
import zlib from "node:zlib";
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
 * A compressor that flushes after every chunk written: what a streamed answer (server-sent
 * events, a progress page) writes reaches the client at once, compressed. (The standard
 * CompressionStream holds output back until it has enough, or the end.)
 */
function flushingCompressor(encoding: "br" | "gzip"): TransformStream<Uint8Array, Uint8Array> {
  const z = encoding === "br"
    ? zlib.createBrotliCompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH })
    : zlib.createGzip({ flush: zlib.constants.Z_SYNC_FLUSH });
  let out: TransformStreamDefaultController<Uint8Array> | undefined;
  z.on("data", (data: Uint8Array) => out?.enqueue(new Uint8Array(data)));
  return new TransformStream({
    start(controller) {
      out = controller;
      z.on("error", (e: unknown) => controller.error(e));
    },
    transform: (chunk) => new Promise((resolve) => z.write(chunk, () => resolve())),
    flush: () => new Promise((resolve) => z.end(() => resolve())),
  });
}

/**
 * The response gzip- or brotli-compressed when the client accepts it and it is worth it: a
 * compressible type, not already encoded, not a range, and over 1 KiB (for a body of unknown
 * length, the first chunk tells: one that ends the body under 1 KiB is sent as it is).
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
  // A body of unknown length: its first chunk, and whether it ended there. The end is waited
  // for no longer than the next turn of the event loop (a body in memory ends before that; a
  // stream may write its next chunk much later, and its first must not wait for it). Not for
  // server-sent events: their first event may come much later, and the headers must not wait.
  const head: Uint8Array[] = [];
  let next: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  let ended = false;
  if (length === null && !/^text\/event-stream\b/i.test(type)) {
    const first = await reader.read();
    if (first.done) ended = true;
    else {
      head.push(first.value);
      next = reader.read();
      next.catch(() => {}); // its failure is the body's, seen when it is read
      const soon = await Promise.race([next, new Promise<null>((r) => setTimeout(r, 0, null))]);
      if (soon?.done) ended = true;
      else if (soon) head.push(soon.value);
      if (soon) next = null;
    }
  }
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of head) controller.enqueue(chunk);
      if (ended) controller.close();
    },
    async pull(controller) {
      const r = await (next ?? reader.read());
      next = null;
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const size = head.reduce((n, c) => n + c.length, 0);
  if (ended && size < MIN_COMPRESS_BYTES) return withBody(res, rest, headers);
  headers.delete("content-length");
  headers.delete("accept-ranges");
  headers.set("content-encoding", encoding);
  // The bytes differ from the identity representation's: a strong validator would lie.
  const etag = headers.get("etag");
  if (etag && !etag.startsWith("W/")) headers.set("etag", `W/${etag}`);
  if (length === null) {
    return withBody(res, rest.pipeThrough(flushingCompressor(encoding)), headers);
  }
  // Deno's CompressionStream knows "brotli" besides the standard formats.
  const format = (encoding === "br" ? "brotli" : "gzip") as CompressionFormat;
  const stream = new CompressionStream(format) as unknown as TransformStream<
    Uint8Array,
    Uint8Array
  >;
  return withBody(res, rest.pipeThrough(stream), headers);
}
