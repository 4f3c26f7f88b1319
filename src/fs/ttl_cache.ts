import { coarseNow } from "./clock.ts";

/**
 * A bounded map whose entries are trusted for `ttlMs`. It keeps file-system checks off the hot
 * path: a file is looked at no more than once per `ttlMs`, and URLs made up by a client cannot
 * grow memory past `maxEntries` (the oldest entries go first).
 */
export class TtlCache<K, V> {
  #entries = new Map<K, { at: number; value: V }>();

  constructor(readonly ttlMs: number, readonly maxEntries = 10_000) {}

  /** The cached value, or undefined when absent or older than the TTL. */
  get(key: K, now = coarseNow()): V | undefined {
    const hit = this.#entries.get(key);
    if (hit === undefined) return undefined;
    if (now - hit.at >= this.ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: K, value: V, now = coarseNow()): V {
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as K);
    }
    this.#entries.set(key, { at: now, value });
    return value;
  }

  /**
   * The cached value, else `compute()`'s promise, cached at once so that concurrent callers
   * share it; its value replaces it when it settles, and a rejection is not remembered.
   */
  load<T>(
    this: TtlCache<K, T | Promise<T>>,
    key: K,
    compute: () => Promise<T>,
  ): T | Promise<T> {
    const now = coarseNow();
    const hit = this.get(key, now);
    if (hit !== undefined) return hit;
    const p = compute().then(
      (v) => this.set(key, v, now),
      (e) => {
        this.delete(key);
        throw e;
      },
    );
    return this.set(key, p, now);
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
