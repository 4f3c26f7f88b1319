// Group commit: the writes of many sessions that arrive while a commit is in flight go to KV
// together in one atomic operation. A KV commit costs ~200 µs on this machine whatever it
// holds; 25 writes in one cost ~15 µs each (docs/sessions.md).

/** One caller's part of an atomic operation: its checks and mutations. */
export interface Write {
  checks: Deno.AtomicCheck[];
  apply(atomic: Deno.AtomicOperation): void;
  /** Approximate bytes of keys and values, to stay under KV's per-commit limit. */
  bytes: number;
}

interface Pending {
  write: Write;
  done: PromiseWithResolvers<Deno.KvCommitResult | null>;
}

// KV allows 100 checks and 800 KiB of mutations per atomic; stay below both.
const MAX_CHECKS = 100;
const MAX_BYTES = 640 * 1024;

export class GroupCommit {
  #pending: Pending[] = [];
  /** The loop committing groups, while there is one. */
  #running: Promise<void> | null = null;

  constructor(private kv: Deno.Kv) {}

  /**
   * Commits `write` with whatever else is waiting: the commit result, or null when one of
   * its own checks failed (the other writes of the group are not affected).
   */
  commit(write: Write): Promise<Deno.KvCommitResult | null> {
    const done = Promise.withResolvers<Deno.KvCommitResult | null>();
    this.#pending.push({ write, done });
    this.#running ??= this.#run();
    return done.promise;
  }

  /** Resolves once nothing is pending (for shutdown). */
  async drain(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #run(): Promise<void> {
    try {
      while (this.#pending.length > 0) await this.#commitGroup(this.#takeGroup());
    } finally {
      this.#running = null;
    }
  }

  #takeGroup(): Pending[] {
    let checks = 0, bytes = 0, n = 0;
    for (const p of this.#pending) {
      checks += p.write.checks.length;
      bytes += p.write.bytes;
      if (n > 0 && (checks > MAX_CHECKS || bytes > MAX_BYTES)) break;
      n++;
    }
    return this.#pending.splice(0, n);
  }

  async #commitGroup(group: Pending[]): Promise<void> {
    let result: Deno.KvCommitResult | Deno.KvCommitError;
    try {
      result = await withLockRetry(() => {
        const atomic = this.kv.atomic();
        for (const { write } of group) {
          atomic.check(...write.checks);
          write.apply(atomic);
        }
        return atomic.commit();
      });
    } catch (e) {
      if (group.length === 1) return group[0].done.reject(e);
      // One write may be at fault (a value too large): alone, only it fails.
      for (const p of group) await this.#commitGroup([p]);
      return;
    }
    if (result.ok) {
      for (const p of group) p.done.resolve(result);
    } else if (group.length === 1) {
      group[0].done.resolve(null);
    } else {
      // A check failed somewhere: commit each alone so that only its owner sees it.
      for (const p of group) await this.#commitGroup([p]);
    }
  }
}

/**
 * `op()`, again after a "database is locked" error (several processes on one SQLite file:
 * KV surfaces SQLite's busy state to JS), backing off up to 100 ms between tries for at most
 * a minute: a session write is not given up lightly.
 */
export async function withLockRetry<T>(op: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (let delay = 1;; delay = Math.min(delay * 2, 100)) {
    try {
      return await op();
    } catch (e) {
      if (!isLocked(e) || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
    }
  }
}

function isLocked(e: unknown): boolean {
  return e instanceof Error && /database is locked/.test(e.message);
}
