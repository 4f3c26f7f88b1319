// Session records on Deno KV, and the lease that serialises one session's requests across
// every process sharing the store. The lease lives in the record itself, so that one
// versionstamp guards both: taking the lease, saving and releasing are each one
// check-and-set, and no save can slip past a lease another process holds.
import { GroupCommit, withLockRetry } from "./group_commit.ts";

export interface Lease {
  /** The process holding it. */
  owner: string;
  /** Epoch ms after which anyone may take it over (a crashed holder blocks no longer). */
  until: number;
}

export interface SessionRecord {
  /** `data` as JSON, measured against the size limit. */
  data: string;
  /** Epoch ms. */
  created: number;
  /** Epoch ms of the last request that used the session. */
  accessed: number;
  /** Seconds of inactivity after which the session is gone. */
  timeout: number;
  lease: Lease | null;
}

export interface Entry {
  record: SessionRecord;
  versionstamp: string;
}

/** KV refuses values over 64 KiB; the data gets what the rest of the record leaves. */
export const MAX_DATA_BYTES = 60 * 1024;

const PREFIX = "modts-session";

function key(id: string): Deno.KvKey {
  return [PREFIX, id];
}

export function isExpired(record: SessionRecord, now: number): boolean {
  return record.accessed + record.timeout * 1000 <= now;
}

export class SessionStore {
  readonly #commits: GroupCommit;

  constructor(
    readonly kv: Deno.Kv,
    /** This process's name in leases. */
    readonly owner: string,
    /** How long a lease lasts unless renewed. */
    readonly leaseMs: number,
  ) {
    this.#commits = new GroupCommit(kv);
  }

  async read(id: string): Promise<Entry | null> {
    const e = await withLockRetry(() => this.kv.get<SessionRecord>(key(id)));
    return e.versionstamp === null ? null : { record: e.value, versionstamp: e.versionstamp };
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
    const expireIn = this.#expireIn(record);
    const result = await this.#commits.commit({
      checks: [{ key: key(id), versionstamp: prev?.versionstamp ?? null }],
      apply: (a) => a.set(key(id), record, { expireIn }),
      bytes: bytes + 200,
    });
    return result && { record, versionstamp: result.versionstamp };
  }

  /** Deletes the record read as `prev`, unless someone changed it since (then false). */
  async delete(id: string, prev: Entry): Promise<boolean> {
    const result = await this.#commits.commit({
      checks: [{ key: key(id), versionstamp: prev.versionstamp }],
      apply: (a) => a.delete(key(id)),
      bytes: 100,
    });
    return result !== null;
  }

  /** Moves the record read as `prev` to `newId` in one commit: the old id is dead at once. */
  async move(oldId: string, prev: Entry, newId: string): Promise<Entry | null> {
    const record = prev.record;
    const result = await this.#commits.commit({
      checks: [
        { key: key(oldId), versionstamp: prev.versionstamp },
        { key: key(newId), versionstamp: null },
      ],
      apply: (a) =>
        a.delete(key(oldId)).set(key(newId), record, { expireIn: this.#expireIn(record) }),
      bytes: record.data.length * 3 + 300,
    });
    return result && { record, versionstamp: result.versionstamp };
  }

  /**
   * Takes the lease of a live session for this process: the entry now held, or null when
   * the session does not exist or has expired. `known` is an entry already in hand (handed
   * over by this process's previous holder), saving a read. Waits while another live
   * process holds the lease, polling because KV's watch does not cross processes.
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

  // KV's expiry is lazy, only a clean-up hint: `isExpired` decides (docs/sessions.md).
  #expireIn(record: SessionRecord): number {
    return Math.max(record.timeout * 1000, this.leaseMs) + 60_000;
  }

  drain(): Promise<void> {
    return this.#commits.drain();
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
