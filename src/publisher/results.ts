import { type Exchange, PLAIN_TEXT } from "../request/exchange.ts";
import { RESULT_HEADER } from "../client/wire.ts";

const HTML_START = /^\s*(<!doctype|<html)/i;
const HTML_END = /<\/html>\s*$/i;

/** SPEC §3: html when it starts with `<!doctype`/`<html` or ends with `</html>`. */
export function guessTextType(text: string): string {
  // Most text has neither a `<` first nor a `>` last: no regex for it (a small call's cost).
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  if (first !== 60 /* < */ && first > 32 && last !== 62 /* > */ && last > 32) return PLAIN_TEXT;
  return HTML_START.test(text) || HTML_END.test(text.slice(-100))
    ? "text/html; charset=utf-8"
    : PLAIN_TEXT;
}

function isIterable(v: object): v is AsyncIterable<unknown> | Iterable<unknown> {
  return Symbol.asyncIterator in v || (Symbol.iterator in v && !Array.isArray(v));
}

const encoder = new TextEncoder();

function chunkBytes(chunk: unknown): Uint8Array<ArrayBuffer> {
  if (chunk instanceof Uint8Array) return chunk as Uint8Array<ArrayBuffer>;
  return encoder.encode(typeof chunk === "string" ? chunk : String(chunk));
}

/** An (async) iterable or generator as a byte stream. */
function streamOf(source: AsyncIterable<unknown> | Iterable<unknown>) {
  return ReadableStream.from(source as AsyncIterable<unknown>).pipeThrough(
    new TransformStream<unknown, Uint8Array<ArrayBuffer>>({
      transform(chunk, controller) {
        controller.enqueue(chunkBytes(chunk));
      },
    }),
  );
}

/**
 * A JSX element that renders itself: hono/jsx's nodes (and its `html` strings) turn into
 * HTML with `toString()`, which may return a promise (async components). Other JSX libraries
 * render with their own function (React's renderToString): return its string.
 */
function isRenderable(value: object): value is { toString(): string | Promise<string> } {
  if (value instanceof String) return (value as { isEscaped?: boolean }).isEscaped === true;
  return "tag" in value && "props" in value && value.toString !== Object.prototype.toString;
}

/** A whole document rendered from JSX (`<html>…`) gets the doctype JSX cannot write. */
function withDoctype(html: string): string {
  return /^<html[\s>]/i.test(html) ? `<!doctype html>${html}` : html;
}

// In V8 (and Deno) but not yet in TypeScript's lib.
const { rawJSON } = JSON as unknown as { rawJSON(text: string): unknown };

/** JSON has no bigint: its digits, exactly, as a JSON number. */
function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? rawJSON(value.toString()) : value;
}

/**
 * For modts's client: the value as JSON, marked as the function's result (src/client/wire.ts);
 * `undefined` is an empty body. Not when `req.write` already wrote part of the body, nor for
 * text whose content type the code set (it wins, as always).
 */
function jsonResult(ex: Exchange, result: unknown): Response | null {
  if (ex.hasOutput || (typeof result === "string" && ex.contentType !== undefined)) return null;
  ex.headersOut.set(RESULT_HEADER, "json");
  if (result === undefined) return ex.respond();
  ex.contentType ??= "application/json";
  return ex.respond(JSON.stringify(result, bigintAsNumber));
}

/**
 * A published value as the response (SPEC §3, "Results"). `req.write` output comes first;
 * a content type the code set wins over the guess. With `json` (a call by position, from
 * modts's client) plain values — text, numbers, booleans, null, objects — go as JSON.
 */
export function resultResponse(
  ex: Exchange,
  result: unknown,
  json = false,
): Response | Promise<Response> {
  const kind = typeof result;
  if (json && (result === null || (kind !== "object" && kind !== "function"))) {
    const answer = jsonResult(ex, result);
    if (answer) return answer;
  }
  if (result === null || result === undefined) return ex.respond();
  switch (kind) {
    case "string":
      ex.contentType ??= guessTextType(result as string);
      return ex.respond(result as string);
    case "number":
    case "bigint":
    case "boolean":
      ex.contentType ??= PLAIN_TEXT;
      return ex.respond(String(result));
    case "function":
      throw new TypeError("a published function returned a function");
  }
  if (result instanceof Response) {
    return ex.withCookies(ex.method === "HEAD" ? new Response(null, result) : result);
  }
  if (result instanceof Uint8Array || result instanceof ArrayBuffer) {
    ex.contentType ??= "application/octet-stream";
    return ex.respond(new Uint8Array(result as ArrayBuffer) as Uint8Array<ArrayBuffer>);
  }
  if (result instanceof ReadableStream) {
    ex.contentType ??= "application/octet-stream";
    return ex.respond(result.pipeThrough(
      new TransformStream<unknown, Uint8Array<ArrayBuffer>>({
        transform(chunk, controller) {
          controller.enqueue(chunkBytes(chunk));
        },
      }),
    ));
  }
  if (isRenderable(result as object)) {
    ex.contentType ??= "text/html; charset=utf-8";
    return Promise.resolve((result as { toString(): unknown }).toString()).then((html) =>
      ex.respond(withDoctype(String(html)))
    );
  }
  if (isIterable(result as object)) {
    ex.contentType ??= PLAIN_TEXT;
    return ex.respond(streamOf(result as AsyncIterable<unknown>));
  }
  if (json) {
    const answer = jsonResult(ex, result);
    if (answer) return answer;
  }
  ex.contentType ??= "application/json";
  return ex.respond(JSON.stringify(result));
}
