// Session records on Deno KV (a file, ":memory:" or KV Connect), written in groups
// (group_commit.ts). KV's versionstamps are the versions; its expiry is only a clean-up hint.
import { GroupCommit, withLockRetry } from "./group_commit.ts";
import type { Records, SessionRecord } from "./records.ts";

const PREFIX = "modts-session";

function key(id: string): Deno.KvKey {
  return [PREFIX, id];
}

export class KvRecords implements Records {
  readonly #commits: GroupCommit;

  constructor(readonly kv: Deno.Kv) {
    this.#commits = new GroupCommit(kv);
  }

  async get(id: string) {
    const e = await withLockRetry(() => this.kv.get<SessionRecord>(key(id)));
    return e.versionstamp === null ? null : { record: e.value, version: e.versionstamp };
  }

  async put(id: string, prev: string | null, record: SessionRecord, ttlMs: number) {
    const result = await this.#commits.commit({
      checks: [{ key: key(id), versionstamp: prev }],
      apply: (a) => a.set(key(id), record, { expireIn: ttlMs }),
      bytes: record.data.length * 3 + 200,
    });
    return result?.versionstamp ?? null;
  }

  async remove(id: string, prev: string) {
    const result = await this.#commits.commit({
      checks: [{ key: key(id), versionstamp: prev }],
      apply: (a) => a.delete(key(id)),
      bytes: 100,
    });
    return result !== null;
  }

  async move(oldId: string, prev: string, newId: string, record: SessionRecord, ttlMs: number) {
    const result = await this.#commits.commit({
      checks: [{ key: key(oldId), versionstamp: prev }, { key: key(newId), versionstamp: null }],
      apply: (a) => a.delete(key(oldId)).set(key(newId), record, { expireIn: ttlMs }),
      bytes: record.data.length * 3 + 300,
    });
    return result?.versionstamp ?? null;
  }

  drain() {
    return this.#commits.drain();
  }

  close() {
    this.kv.close();
  }
}
