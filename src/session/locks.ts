// The in-process lock: one session's requests in this process queue here (FIFO), so that
// only the first of a burst pays KV round trips for the lease; the rest get it handed over.

interface Waiter<T> {
  resolve(handover: T | null): void;
  reject(reason: unknown): void;
}

export class LocalLocks<T> {
  /** Present while a request of this process holds the id; its waiters in order. */
  #queues = new Map<string, Waiter<T>[]>();

  /**
   * Resolves when this request holds `id` here: with what the previous holder handed over,
   * or null when nobody held it. Rejects if `signal` aborts first (the client went away).
   */
  acquire(id: string, signal: AbortSignal): Promise<T | null> {
    const queue = this.#queues.get(id);
    if (queue === undefined) {
      this.#queues.set(id, []);
      return Promise.resolve(null);
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve(handover) {
          signal.removeEventListener("abort", onAbort);
          resolve(handover);
        },
        reject,
      };
      const onAbort = () => {
        queue.splice(queue.indexOf(waiter), 1);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      queue.push(waiter);
    });
  }

  /** Holds a freshly minted `id`: nobody can know it, so nobody holds or waits for it. */
  take(id: string): void {
    this.#queues.set(id, []);
  }

  hasWaiters(id: string): boolean {
    return (this.#queues.get(id)?.length ?? 0) > 0;
  }

  /** Hands `id` to the next waiter with `handover`, or frees it. */
  release(id: string, handover: T | null): void {
    const next = this.#queues.get(id)?.shift();
    if (next) next.resolve(handover);
    else this.#queues.delete(id);
  }
}
