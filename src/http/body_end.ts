// What runs once a response's body has gone — the log and cleanup phases, releasing a request
// body, the access log's byte count — hangs on one pass-through stream.

/** `body` passed on as it is, with `done(bytes sent)` once it ends, fails or is cancelled. */
export function whenBodyEnds(
  body: ReadableStream<Uint8Array>,
  done: (bytes: number) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let bytes = 0;
  let finished = false;
  const finish = () => {
    if (!finished) {
      finished = true;
      done(bytes);
    }
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          finish();
        } else {
          bytes += value.byteLength;
          controller.enqueue(value);
        }
      } catch (e) {
        controller.error(e);
        finish();
      }
    },
    async cancel(reason) {
      await reader.cancel(reason);
      finish();
    },
  });
}
