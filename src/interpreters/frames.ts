// Batches of messages over a byte stream (an interpreter in a process of its own): each is its
// length in four bytes, then V8's serialization of it — the structured clone a Worker's
// postMessage uses, so that both carriers move the same values.
import { deserialize, serialize } from "node:v8";
import { concatBytes } from "../util/bytes.ts";

/** One batch as bytes. */
export function frame(batch: unknown): Uint8Array {
  const body = serialize(batch);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
}

/** The batches in `stream`, one by one, until it ends. */
export async function* frames<T>(stream: ReadableStream<Uint8Array>): AsyncGenerator<T> {
  let buffered = new Uint8Array(0);
  for await (const chunk of stream) {
    buffered = concatBytes([buffered, chunk]);
    while (buffered.length >= 4) {
      const length = new DataView(buffered.buffer, buffered.byteOffset).getUint32(0);
      if (buffered.length < 4 + length) break;
      yield deserialize(buffered.subarray(4, 4 + length)) as T;
      buffered = buffered.subarray(4 + length);
    }
  }
}
