// Streaming multipart/form-data to disk with busboy: measured in shared/reference/libraries.md
// §3 as the fastest parser with flat memory (Request.formData() holds the whole body).
import { busboy } from "../deps.ts";
import { Readable } from "node:stream";
import { join } from "node:path";
import { HttpError } from "../http/status.ts";
import type { Upload } from "../api/request.ts";
import type { Form, FormLimits } from "./form.ts";

/**
 * A file this parser stored. Upload parameters take only these: a JSON argument that merely
 * has the same fields (a `path` of the sender's choosing) is never one.
 */
export class UploadedFile implements Upload {
  constructor(
    readonly field: string,
    readonly filename: string,
    readonly type: string,
    readonly size: number,
    readonly path: string,
  ) {}
}

const MAX_FIELDS = 1000;
const MAX_FILES = 100;
const MAX_FIELD_SIZE = 1024 * 1024;

/**
 * An upload the server could not store (a full disk): the server's failure, so a logged 500
 * rather than the client's 400.
 */
class StorageError extends Error {
  override name = "StorageError";
}

/** Parser errors are the client's (400); HTTP and storage errors stay as they are. */
function asHttpError(e: unknown): unknown {
  if (e instanceof HttpError || e instanceof StorageError) return e;
  return new HttpError(400, "The multipart body is malformed.");
}

export function parseMultipart(
  body: ReadableStream<Uint8Array>,
  contentType: string,
  form: Form,
  limits: FormLimits,
  track: (path: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: { "content-type": contentType },
        defParamCharset: "utf8",
        limits: {
          fieldSize: MAX_FIELD_SIZE,
          fields: MAX_FIELDS,
          files: MAX_FILES,
          parts: MAX_FIELDS + MAX_FILES,
          fileSize: limits.maxBodySize,
        },
      });
    } catch {
      // Answered before the body is read: let it go now, or the connection waits on it.
      body.cancel().catch(() => {});
      reject(new HttpError(400, "The multipart content type is malformed."));
      return;
    }
    const input = Readable.fromWeb(body as import("node:stream/web").ReadableStream);
    // The files, in the order of the body (their writes may end in any order).
    const writes: Promise<UploadedFile | null>[] = [];
    const outs: Deno.FsFile[] = [];
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      input.unpipe(bb);
      input.destroy();
      for (const out of outs) closeQuietly(out);
      reject(asHttpError(e));
    };
    const tooMany = (what: string) => () =>
      fail(new HttpError(413, `The form has too many ${what}.`));

    bb.on("field", (name, value, info) => {
      if (info.valueTruncated) fail(new HttpError(413, `The field ${name} is too large.`));
      else form.add(name, value);
    });
    bb.on("file", (name, stream, info) => {
      // busboy goes on with what it has buffered after a failure: open nothing more.
      if (failed) return void stream.resume();
      const path = join(limits.uploadDir, crypto.randomUUID());
      // Opened synchronously so the file exists (and is tracked for removal) before any
      // failure can race its creation.
      const out = Deno.openSync(path, { write: true, createNew: true, mode: 0o600 });
      track(path);
      outs.push(out);
      writes.push(
        writeFile(stream, out).then((size) => {
          const filename = info.filename ?? "";
          // A file input left empty: browsers send a nameless, empty part. It is absent.
          if (filename === "" && size === 0) return null;
          return new UploadedFile(name, filename, info.mimeType, size, path);
        }, (e) => {
          fail(e);
          return null;
        }),
      );
      stream.on("limit", () => fail(new HttpError(413, `The upload ${name} is too large.`)));
    });
    bb.on("partsLimit", tooMany("parts"));
    bb.on("filesLimit", tooMany("files"));
    bb.on("fieldsLimit", tooMany("fields"));
    bb.on("error", fail);
    bb.on("close", () => {
      Promise.all(writes).then((files) => {
        if (failed) return;
        for (const file of files) if (file) form.add(file.field, file);
        resolve();
      });
    });
    input.on("error", fail);
    input.pipe(bb);
  });
}

function closeQuietly(file: Deno.FsFile) {
  try {
    file.close();
  } catch { /* already closed */ }
}

/**
 * Copies a busboy file stream into `out`, pausing the stream until each write is on disk, so
 * chunks never pile up in memory faster than the disk takes them.
 */
function writeFile(stream: Readable, out: Deno.FsFile): Promise<number> {
  return new Promise((resolve, reject) => {
    let size = 0;
    let writing = Promise.resolve();
    stream.on("data", (chunk: Uint8Array) => {
      stream.pause();
      size += chunk.length;
      writing = writing.then(async () => {
        try {
          for (let at = 0; at < chunk.length;) at += await out.write(chunk.subarray(at));
        } catch (e) {
          throw new StorageError(`storing an upload failed: ${e}`, { cause: e });
        }
        stream.resume();
      });
      writing.catch(reject);
    });
    stream.on("end", () => writing.then(() => (closeQuietly(out), resolve(size)), reject));
    stream.on("error", reject);
  });
}
