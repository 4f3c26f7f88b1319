// Whether the files something was built from (a module graph, a page and its includes) have
// changed since: shared by the module loader and the page cache.
import { coarseNow } from "../fs/clock.ts";
import { type FileStat, StatCache, statOrNull } from "../fs/stat.ts";

/** What a file was when it was read. */
export interface FileVersion {
  /** `mtime-size`. */
  version: string;
  mtimeMs: number;
  /**
   * The content, kept while the file is "racy" (modified less than RACY_MS before it was
   * read): an edit within the same millisecond and of the same size leaves mtime-size as
   * it was, so the content is compared instead (git's racy-clean rule).
   */
  source?: string;
}

const RACY_MS = 2000;

function versionOf(stat: FileStat | null): string {
  return stat ? `${stat.mtimeMs}-${stat.size}` : "missing";
}

export class Freshness {
  #stats: StatCache;

  /** Stats are trusted for `ttlMs`. */
  constructor(ttlMs: number) {
    this.#stats = new StatCache(ttlMs);
  }

  /** Reads `path`, recording what it was. Stat first: the content may only be newer. */
  async read(path: string): Promise<{ source: string; seen: FileVersion }> {
    const stat = await statOrNull(path);
    const source = await Deno.readTextFile(path);
    const mtimeMs = stat?.mtimeMs ?? 0;
    const seen: FileVersion = { version: versionOf(stat), mtimeMs };
    if (Date.now() - mtimeMs <= RACY_MS) seen.source = source;
    return { source, seen };
  }

  /** What `path` is now, without its content: its absence counts too ("missing"). */
  async seen(path: string): Promise<FileVersion> {
    const stat = await statOrNull(path);
    return { version: versionOf(stat), mtimeMs: stat?.mtimeMs ?? 0 };
  }

  /** Whether any of `files` differs from what was recorded. */
  async changed(files: Map<string, FileVersion>): Promise<boolean> {
    for (const [file, seen] of files) {
      if (versionOf(await this.#stats.stat(file)) !== seen.version) return true;
      if (seen.source === undefined || seen.version === "missing") continue;
      const now = Date.now();
      if ((await Deno.readTextFile(file).catch(() => null)) !== seen.source) return true;
      if (now - seen.mtimeMs > RACY_MS) delete seen.source; // settled: mtime can be trusted
    }
    return false;
  }
}

/** Something built from files: what they were, and when they were last compared. */
export interface Tracked {
  files: Map<string, FileVersion>;
  checkedAt: number;
}

/**
 * Things built from files (module graphs, compiled pages), by key, rebuilt when any of their
 * files changed: checked at most every `ttlMs`, never with autoreload off. Concurrent
 * requests share one check or build.
 */
export class FreshCache<T extends Tracked> {
  #entries = new Map<string, T>();
  #pending = new Map<string, Promise<T>>();

  constructor(
    readonly freshness: Freshness,
    private autoreload: boolean,
    private ttlMs: number,
  ) {}

  /**
   * Synchronous when the entry exists and was checked recently (the hot path). `autoreload`
   * overrides the cache's own setting (a directory may turn it off or on).
   */
  get(key: string, build: () => Promise<T>, autoreload = this.autoreload): T | Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && (!autoreload || coarseNow() - hit.checkedAt < this.ttlMs)) return hit;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#fresh(key, build).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  /** The entry as it is, checked or not. */
  peek(key: string): T | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: T): void {
    this.#entries.set(key, value);
  }

  values(): IterableIterator<T> {
    return this.#entries.values();
  }

  async #fresh(key: string, build: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && !(await this.freshness.changed(hit.files))) {
      hit.checkedAt = coarseNow();
      return hit;
    }
    const built = await build();
    this.#entries.set(key, built);
    return built;
  }
}
