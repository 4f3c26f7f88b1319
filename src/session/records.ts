// Where session records live: one small interface, two implementations — Deno KV (a file, or
// KV Connect; kv_records.ts) and Redis (redis_records.ts). Each write is a check-and-set on
// the version the writer read, which is all the session semantics (store.ts) need.

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

export interface Records {
  /** The record and its version, or null. */
  get(id: string): Promise<{ record: SessionRecord; version: string } | null>;
  /**
   * Stores `record` unless the record changed since it was read at `prev` (null: it must not
   * exist yet): the new version, or null. It lives at least `ttlMs`.
   */
  put(
    id: string,
    prev: string | null,
    record: SessionRecord,
    ttlMs: number,
  ): Promise<string | null>;
  /** Deletes the record read at `prev`, unless it changed since (then false). */
  remove(id: string, prev: string): Promise<boolean>;
  /** `put` under `newId` and delete `oldId` in one step; both checked. */
  move(
    oldId: string,
    prev: string,
    newId: string,
    record: SessionRecord,
    ttlMs: number,
  ): Promise<string | null>;
  /** Resolves once every write started has been made (for shutdown). */
  drain(): Promise<void>;
  close(): void;
}
