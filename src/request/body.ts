import { HttpError } from "../http/status.ts";

/** Bodies buffered in memory (urlencoded forms, JSON) stop here even under a larger limit. */
export const MAX_IN_MEMORY = 8 * 1024 * 1024;

function tooLarge(max: number): HttpError {
  return new HttpError(413, `The request body is larger than ${max} bytes.`);
}

/**
 * The request body, refused with 413 as soon as it is known to exceed `max` bytes: at once
 * from Content-Length, or while streaming for a chunked body (nothing past `max` is read).
 */
export function limitedBody(raw: Request, max: number): ReadableStream<Uint8Array> | null {
  const declared = raw.headers.get("content-length");
  if (declared !== null && Number(declared) > max) throw tooLarge(max);
  if (raw.body === null) return null;
  let seen = 0;
  return raw.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.length;
        if (seen > max) controller.error(tooLarge(max));
        else controller.enqueue(chunk);
      },
    }),
  );
}

/** The whole body as text, within `max` bytes. */
export async function readLimitedText(raw: Request, max: number): Promise<string> {
  const body = limitedBody(raw, max);
  return body === null ? "" : await new Response(body).text();
}
