const CHUNK = 64 * 1024;

/**
 * `length` bytes of the file at `path` from `start`, read in 64 KiB chunks as the client
 * pulls them: a large file is never held in memory, and the handle closes on end or cancel.
 */
export function fileStream(
  path: string,
  start: number,
  length: number,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  let file: Deno.FsFile | undefined;
  let left = length;
  const close = () => {
    try {
      file?.close();
    } catch { /* already closed */ }
    file = undefined;
  };
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async start() {
      file = await Deno.open(path, { read: true });
      if (start > 0) await file.seek(start, Deno.SeekMode.Start);
    },
    async pull(controller) {
      if (left <= 0 || !file) {
        close();
        controller.close();
        return;
      }
      const buf = new Uint8Array(Math.min(CHUNK, left));
      const n = await file.read(buf);
      if (n === null) {
        // The file shrank under us: end early rather than hang; Content-Length will mismatch.
        close();
        controller.error(new Error(`${path} ended ${left} bytes early`));
        return;
      }
      left -= n;
      controller.enqueue(n === buf.length ? buf : buf.subarray(0, n));
    },
    cancel() {
      close();
    },
  }, { highWaterMark: 1 });
}
