// Session records, and the lease that serialises one session's requests across every
// process sharing the store. The lease lives in the record itself, so that one version guards
// both: taking the lease, saving and releasing are each one check-and-set, and no save can
// slip past a lease another process holds. Where the records live is records.ts's business.
import type { Records, SessionRecord } from "./records.ts";

export type { Lease, SessionRecord } from "./records.ts";

export interface Entry {
  record: SessionRecord;
  version: string;
}

/** KV refuses values over 64 KiB; the data gets what the rest of the record leaves. */
export const MAX_DATA_BYTES = 60 * 1024;

export function isExpired(record: SessionRecord, now: number): boolean {
  return record.accessed + record.timeout * 1000 <= now;
}

export class SessionStore {
  constructor(
    readonly records: Records,
    /** This process's name in leases. */
    readonly owner: string,
    /** How long a lease lasts unless renewed. */
    readonly leaseMs: number,
  ) {}

  read(id: string): Promise<Entry | null> {
    return this.records.get(id);
  }

  /**
   * Replaces the record read as `prev` (null: it must not exist yet) by `record`, unless
   * someone changed it since: then null.
   */
  async write(id: string, prev: Entry | null, record: SessionRecord): Promise<Entry | null> {
    const bytes = record.data.length * 3;
    if (bytes > MAX_DATA_BYTES && new TextEncoder().encode(record.data).length > MAX_DATA_BYTES) {
      throw new Error(
        `session data is over the ${MAX_DATA_BYTES / 1024} KiB limit of one session`,
      );
    }
    const version = await this.records.put(id, prev?.version ?? null, record, this.#ttl(record));
    return version === null ? null : { record, version };
  }

  /** Deletes the record read as `prev`, unless someone changed it since (then false). */
  delete(id: string, prev: Entry): Promise<boolean> {
    return this.records.remove(id, prev.version);
  }

  /** Moves the record read as `prev` to `newId` in one commit: the old id is dead at once. */
  async move(oldId: string, prev: Entry, newId: string): Promise<Entry | null> {
    const record = prev.record;
    const version = await this.records.move(oldId, prev.version, newId, record, this.#ttl(record));
    return version === null ? null : { record, version };
  }

  /**
   * Takes the lease of a live session for this process: the entry now held, or null when
   * the session does not exist or has expired. `known` is an entry already in hand (handed
   * over by this process's previous holder), saving a read. Waits while another live
   * process holds the lease, polling (KV's watch does not cross processes).
   */
  async lease(id: string, known: Entry | null, signal: AbortSignal): Promise<Entry | null> {
    let entry = known;
    for (let wait = 2;; wait = Math.min(wait * 2, 50)) {
      entry ??= await this.read(id);
      const now = Date.now();
      if (entry === null || isExpired(entry.record, now)) return null;
      const lease = entry.record.lease;
      // Our own lease: the in-process lock already makes this request its only user.
      if (lease?.owner === this.owner && lease.until - now > this.leaseMs / 2) return entry;
      if (lease === null || lease.owner === this.owner || lease.until <= now) {
        const taken = await this.write(id, entry, {
          ...entry.record,
          lease: { owner: this.owner, until: now + this.leaseMs },
        });
        if (taken) return taken;
      } else {
        await abortableDelay(wait * (0.5 + Math.random()), signal);
      }
      entry = null;
    }
  }

  // The store's expiry is only a clean-up: `isExpired` decides (docs/sessions.md).
  #ttl(record: SessionRecord): number {
    return Math.max(record.timeout * 1000, this.leaseMs) + 60_000;
  }

  drain(): Promise<void> {
    return this.records.drain();
  }

  close(): void {
    this.records.close();
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
