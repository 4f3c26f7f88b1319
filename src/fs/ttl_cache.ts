/**
 * A bounded map whose entries are trusted for `ttlMs`. It keeps file-system checks off the hot
 * path: a file is looked at no more than once per `ttlMs`, and URLs made up by a client cannot
 * grow memory past `maxEntries` (the oldest entries go first).
 */
export class TtlCache<K, V> {
  #entries = new Map<K, { at: number; value: V }>();

  constructor(readonly ttlMs: number, readonly maxEntries = 10_000) {}

  /** The cached value, or undefined when absent or older than the TTL. */
  get(key: K, now = Date.now()): V | undefined {
    const hit = this.#entries.get(key);
    if (hit === undefined) return undefined;
    if (now - hit.at >= this.ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: K, value: V, now = Date.now()): V {
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as K);
    }
    this.#entries.set(key, { at: now, value });
    return value;
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
