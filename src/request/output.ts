// The body a handler writes with `req.write`: buffered until the handler returns, or streamed
// once `req.flush()` has committed the status and headers.
import { concatBytes } from "../util/bytes.ts";

const encoder = new TextEncoder();

export type Bytes = Uint8Array<ArrayBuffer>;
export type Chunk = string | Bytes;

function toBytes(chunk: Chunk): Bytes {
  return typeof chunk === "string" ? encoder.encode(chunk) : chunk;
}

/** Joins buffered chunks: one string when they are all strings (cheapest), else bytes. */
export function joinChunks(chunks: Chunk[]): string | Bytes {
  if (chunks.every((c) => typeof c === "string")) return (chunks as string[]).join("");
  return concatBytes(chunks.map(toBytes));
}

export class Output {
  chunks: Chunk[] = [];
  #writer?: WritableStreamDefaultWriter<Bytes>;
  #response?: Response;
  #started?: PromiseWithResolvers<Response>;
  /** Set once a write to the client failed (the client went away). */
  aborted = false;

  get streaming(): boolean {
    return this.#response !== undefined;
  }

  /** Resolves with the streamed response when `start` is called; used to race the handler. */
  get started(): Promise<Response> {
    this.#started ??= Promise.withResolvers<Response>();
    return this.#started.promise;
  }

  write(chunk: Chunk): void {
    if (this.#writer) {
      this.#writer.write(toBytes(chunk)).catch(() => this.aborted = true);
    } else {
      this.chunks.push(chunk);
    }
  }

  /** Commits `init` and sends everything buffered so far; later writes go straight out. */
  async start(init: ResponseInit, method: string): Promise<void> {
    if (!this.#writer) {
      const { readable, writable } = new TransformStream<Bytes, Bytes>();
      this.#writer = writable.getWriter();
      this.#response = new Response(method === "HEAD" ? null : readable, init);
      const buffered = this.chunks;
      this.chunks = [];
      for (const c of buffered) this.write(c);
      (this.#started ??= Promise.withResolvers<Response>()).resolve(this.#response);
    }
    if (!this.aborted) await this.#writer.ready.catch(() => this.aborted = true);
  }

  /** Ends a streamed response, appending `tail` (a body the handler returned) first. */
  async end(tail: ReadableStream<Bytes> | Chunk | null): Promise<Response> {
    const writer = this.#writer!;
    try {
      if (tail instanceof ReadableStream) {
        for await (const c of tail) await writer.write(c);
      } else if (tail !== null) {
        await writer.write(toBytes(tail));
      }
      await writer.close();
    } catch {
      this.aborted = true;
    }
    return this.#response!;
  }

  /** Cuts a streamed response short after an error: the client sees a truncated body. */
  abort(reason: unknown): Response {
    this.#writer!.abort(reason).catch(() => {});
    return this.#response!;
  }
}
