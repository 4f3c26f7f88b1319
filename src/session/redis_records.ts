// Session records in Redis (`--kv redis://HOST:PORT/DB`, `rediss://` for TLS, a password in
// the URL): PHP's usual home for sessions, with replication and cluster modes of its own. A
// record is a hash {v: version, r: record JSON}; each write is one Lua script that checks the
// version and writes, so it is atomic on the server. ioredis pipelines the commands of
// concurrent requests on its one connection (the group commit of KV, for free).
//
// While Redis is unreachable every operation fails at once (no offline queue: a request must
// not wait for a server that may not come back) with a 500 saying so; ioredis reconnects by
// itself, and sessions work again without a restart.
import { HttpError } from "../http/status.ts";
import { loadIoredis, type Redis } from "../deps.ts";
import type { Records, SessionRecord } from "./records.ts";

const PREFIX = "modts-session:";
const VERSION_KEY = "modts-session-version";

// KEYS[1] record; ARGV: the version read ("" = none), the record JSON, its TTL in ms.
const PUT = `local v = redis.call('HGET', KEYS[1], 'v')
if (ARGV[1] == '' and v) or (ARGV[1] ~= '' and v ~= ARGV[1]) then return false end
local nv = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'v', nv, 'r', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return nv`;
// KEYS[1] record; ARGV[1] the version read.
const REMOVE = `if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`;
// KEYS[1] old, KEYS[2] new, KEYS[3] version counter; ARGV: version read, record JSON, TTL.
const MOVE = `if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return false end
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
local nv = redis.call('INCR', KEYS[3])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[2], 'v', nv, 'r', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return nv`;

const UNAVAILABLE = "The session store is unavailable.";

export class RedisRecords implements Records {
  #pending = new Set<Promise<unknown>>();
  /** Whether the last operation failed: the next failure is not logged again. */
  #down = false;

  private constructor(private client: Redis, private log: (message: string) => void) {
    client.on("error", () => {}); // each failed operation reports itself
    client.on("ready", () => {
      if (this.#down) this.log("session store: Redis is reachable again");
      this.#down = false;
    });
  }

  static async open(url: string, log: (message: string) => void): Promise<RedisRecords> {
    const { Redis } = await loadIoredis();
    const client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      // Keep trying, at most every 2 s: Redis may come back.
      retryStrategy: (times: number) => Math.min(times * 100, 2000),
    });
    const records = new RedisRecords(client, log);
    // The first connection, made or failed (then the first request says so), before any use.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 2500);
      function done() {
        clearTimeout(timer);
        client.off("ready", done).off("error", done);
        resolve();
      }
      client.once("ready", done).once("error", done);
    });
    return records;
  }

  #failed(e: unknown): never {
    if (!this.#down) this.log(`session store: Redis is unreachable (${(e as Error).message})`);
    this.#down = true;
    throw new HttpError(500, UNAVAILABLE);
  }

  /** `op`, counted for `drain`, its failures as a 500. */
  #run<T>(op: () => Promise<T>): Promise<T> {
    const p = op().catch((e) => this.#failed(e));
    this.#pending.add(p);
    p.finally(() => this.#pending.delete(p)).catch(() => {});
    return p;
  }

  get(id: string) {
    return this.#run(async () => {
      const [v, r] = await this.client.hmget(PREFIX + id, "v", "r");
      return v === null || r === null
        ? null
        : { record: JSON.parse(r) as SessionRecord, version: v };
    });
  }

  put(id: string, prev: string | null, record: SessionRecord, ttlMs: number) {
    return this.#run(async () => {
      const v = await this.client.eval(
        PUT,
        2,
        PREFIX + id,
        VERSION_KEY,
        prev ?? "",
        JSON.stringify(record),
        Math.ceil(ttlMs),
      );
      return v === null ? null : String(v);
    });
  }

  remove(id: string, prev: string) {
    return this.#run(async () => (await this.client.eval(REMOVE, 1, PREFIX + id, prev)) === 1);
  }

  move(oldId: string, prev: string, newId: string, record: SessionRecord, ttlMs: number) {
    return this.#run(async () => {
      const v = await this.client.eval(
        MOVE,
        3,
        PREFIX + oldId,
        PREFIX + newId,
        VERSION_KEY,
        prev,
        JSON.stringify(record),
        Math.ceil(ttlMs),
      );
      return v === null ? null : String(v);
    });
  }

  async drain() {
    await Promise.allSettled([...this.#pending]);
  }

  close() {
    this.client.disconnect();
  }
}
