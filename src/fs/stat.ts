import { TtlCache } from "./ttl_cache.ts";

export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  size: number;
  /** Modification time in milliseconds since the epoch. */
  mtimeMs: number;
}

/** `Deno.stat`, with null for a path that does not exist (or runs through a non-directory). */
export async function statOrNull(path: string): Promise<FileStat | null> {
  try {
    const s = await Deno.stat(path);
    return {
      isFile: s.isFile,
      isDirectory: s.isDirectory,
      size: s.size,
      mtimeMs: s.mtime?.getTime() ?? 0,
    };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return null;
    // Inside an interpreter, what it may not read does not exist for it (a site config above).
    if (e instanceof Deno.errors.NotCapable) return null;
    throw e;
  }
}

/** Stat results reused for `ttlMs` (see TtlCache for why). */
export class StatCache {
  #cache: TtlCache<string, Promise<FileStat | null>>;

  constructor(ttlMs: number) {
    this.#cache = new TtlCache(ttlMs);
  }

  stat(path: string): Promise<FileStat | null> {
    const hit = this.#cache.get(path);
    if (hit !== undefined) return hit;
    const p = statOrNull(path);
    // A failed stat (permissions, I/O) is not remembered.
    p.catch(() => this.#cache.delete(path));
    return this.#cache.set(path, p);
  }
}
