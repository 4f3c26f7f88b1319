import { getMimeType } from "../deps.ts";
import type { FileStat } from "../fs/stat.ts";

/** What a response for one version of a file needs, computed once per version. */
export interface FileEntry {
  path: string;
  size: number;
  mtimeMs: number;
  contentType: string;
  etag: string;
  /** Last-Modified in milliseconds, whole seconds. */
  lastModified: number;
  lastModifiedHttp: string;
  /** The bytes, for small files kept in memory. */
  bytes?: Uint8Array<ArrayBuffer>;
  /** Content-Type, ETag and Last-Modified, built once per version. */
  headers: [string, string][];
  /** The 200 answer for a small file, made on first use and cloned (file_response.ts). */
  template?: Response;
  /** The directory's default headers the template carries (the dispatcher's, then unset). */
  templateDefaults?: readonly (readonly [string, string])[];
}

export function contentTypeFor(path: string): string {
  return getMimeType(path) ?? "application/octet-stream";
}

export function makeEntry(path: string, stat: FileStat, contentType = contentTypeFor(path)) {
  // Never in the future (RFC 9110 §8.8.2.1), and in whole seconds as HTTP dates are.
  const lastModified = Math.floor(Math.min(stat.mtimeMs, Date.now()) / 1000) * 1000;
  return withHeaders({
    path,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    contentType,
    etag: `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
    lastModified,
    lastModifiedHttp: new Date(lastModified).toUTCString(),
  });
}

/**
 * Larger files advertise ranges, where they matter (resumable downloads, media). Smaller ones
 * leave the header out, as each header costs about a microsecond on the hot path; ranges on them
 * work all the same.
 */
const RANGES_FROM = 64 * 1024;

/** `entry` with its `headers` (re)built from its other fields. */
export function withHeaders(entry: Omit<FileEntry, "headers">): FileEntry {
  const headers: [string, string][] = [
    ["content-type", entry.contentType],
    ["etag", entry.etag],
    ["last-modified", entry.lastModifiedHttp],
  ];
  if (entry.size > RANGES_FROM) headers.push(["accept-ranges", "bytes"]);
  return { ...entry, headers };
}

/**
 * Up to this size a file is kept in memory. Scripts, styles and images are mostly below it; sent
 * from memory, a 1 MiB file went at 2.6 times the rate it did streamed from the disk each time.
 */
const CACHED_FILE = 1024 * 1024;
/** Memory for cached files: 32 MiB of them, each held twice (see `#load`). */
const BUDGET = 64 * 1024 * 1024;

/**
 * Entries per file, with the bytes of files up to 1 MiB (32 MiB of files in all) kept in memory
 * so the hot path does no file I/O. An entry is reused only while the stat (size, mtime) that the
 * dispatcher hands in matches; the dispatcher's stat itself is at most a second old.
 */
export class FileEntries {
  #entries = new Map<string, FileEntry>();
  #bytes = 0;

  /**
   * `declareLength`: also put Content-Length among a cached file's headers. Deno adds the
   * same header itself for a byte body, and declaring it costs ~10% of a small-file request
   * (measured), so it is only done when the access log needs to read it.
   */
  constructor(private declareLength: boolean) {}

  /** Synchronous when the entry is cached (the hot path), else a promise. */
  get(path: string, stat: FileStat): FileEntry | Promise<FileEntry> {
    const hit = this.#entries.get(path);
    if (hit && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs) return hit;
    if (hit) this.#drop(path, hit);
    return this.#load(path, stat);
  }

  async #load(path: string, stat: FileStat): Promise<FileEntry> {
    const entry = makeEntry(path, stat);
    if (stat.size <= CACHED_FILE) {
      const bytes = await Deno.readFile(path);
      // Changed between stat and read: serve it this once, cache nothing.
      if (bytes.length !== stat.size) return { ...entry, bytes, size: bytes.length };
      entry.bytes = bytes;
      if (this.declareLength) entry.headers.push(["content-length", String(bytes.length)]);
      // Twice: the bytes, and the copy a Response made from them keeps (the entry's template).
      this.#bytes += 2 * bytes.length;
      while (this.#bytes > BUDGET) {
        const [oldPath, old] = this.#entries.entries().next().value!;
        this.#drop(oldPath, old);
      }
    }
    this.#entries.set(path, entry);
    return entry;
  }

  #drop(path: string, entry: FileEntry) {
    this.#entries.delete(path);
    this.#bytes -= 2 * (entry.bytes?.length ?? 0);
  }
}
