// Opens sessions for requests: the KV store (opened on first use), this process's lock
// table, and one timer that renews leases and enforces the lock timeout of open sessions.
import { dirname } from "node:path";
import type { CookieJar } from "../request/cookies.ts";
import { SessionCookie } from "./cookie.ts";
import { newSessionId } from "./ids.ts";
import { LocalLocks } from "./locks.ts";
import { SessionHandle, type SessionSource } from "./session.ts";
import type { SessionSettings } from "./settings.ts";
import { type Entry, SessionStore } from "./store.ts";
import { KvRecords } from "./kv_records.ts";
import { NO_ATTRIBUTES, traced } from "../log/tracing.ts";
import { RedisRecords } from "./redis_records.ts";
import { HttpError } from "../http/status.ts";
import { checkStore, isDamage } from "./store_health.ts";

/** What session requests get while the store is damaged: a 500 saying so, logged once. */
const UNAVAILABLE = new HttpError(500, "The session store is unavailable.");

export class SessionManager implements SessionSource {
  #store?: Promise<SessionStore>;
  #locks = new LocalLocks<Entry>();
  #open = new Set<SessionHandle>();
  #timer?: ReturnType<typeof setInterval>;
  /** Set by `close`: no session is opened any more. */
  #closing = false;
  /** This process's name in leases: random, so that a restarted process is a new owner. */
  readonly #owner = newSessionId();

  constructor(
    /** A file path, ":memory:" or a KV Connect URL. */
    private kvPath: string,
    private log: (message: string) => void,
    /** How long a lease outlives a crashed holder. */
    private leaseMs = 10_000,
  ) {}

  /**
   * Loads the session the request's cookies name (waiting for its lock, unless the request's
   * signal says the client has gone) or starts a new one.
   */
  async open(
    cookies: CookieJar,
    request: Request,
    settings: SessionSettings,
  ): Promise<SessionHandle> {
    const signal = request.signal;
    const store = await this.#openStore();
    const cookie = new SessionCookie(cookies, settings);
    const claimed = await cookie.claimed();
    const make = (id: string, entry: Entry | null) => {
      const handle = new SessionHandle(
        id,
        entry === null,
        entry,
        settings,
        store,
        this.#locks,
        cookie,
        this.log,
        this.#open,
      );
      this.#startTimer();
      return handle;
    };
    if (claimed) {
      const handover = await traced(
        "modts.session.lock",
        NO_ATTRIBUTES,
        () => this.#locks.acquire(claimed, signal),
      );
      if (this.#closing) {
        this.#locks.release(claimed, null);
        throw new HttpError(503, "The server is shutting down.");
      }
      let entry: Entry | null;
      try {
        entry = await traced(
          "modts.session.lease",
          NO_ATTRIBUTES,
          () => store.lease(claimed, handover, signal),
        );
      } catch (e) {
        this.#locks.release(claimed, null);
        if (isDamage(e)) this.#damaged(store, String(e));
        throw e;
      }
      if (entry) return make(claimed, entry);
      // Unknown or expired: a new id, never the one the client sent.
      this.#locks.release(claimed, null);
    }
    const id = newSessionId();
    this.#locks.take(id);
    await cookie.set(id);
    return make(id, null);
  }

  #openStore(): Promise<SessionStore> {
    return this.#store ??= (async () => {
      const path = this.kvPath;
      if (/^rediss?:\/\//.test(path)) {
        return new SessionStore(await RedisRecords.open(path, this.log), this.#owner, this.leaseMs);
      }
      if (path !== ":memory:" && !/^https?:/.test(path)) {
        await Deno.mkdir(dirname(path), { recursive: true });
        const health = await checkStore(path);
        if (health.state === "damaged") return this.#damaged(null, health.reason);
        if (health.state === "truncated") {
          this.log(
            `session store ${path} is EMPTY (0 bytes): it was truncated, and every session ` +
              `it held is lost; a new store starts there`,
          );
        }
      }
      const records = new KvRecords(await Deno.openKv(path));
      return new SessionStore(records, this.#owner, this.leaseMs);
    })().catch((e) => {
      if (e === UNAVAILABLE) throw e;
      this.#store = undefined;
      throw new Error(`cannot open the session store ${this.kvPath}: ${e}`, { cause: e });
    });
  }

  /**
   * The store is damaged: one log line, then every session request gets a 500 (the rest of
   * the site serves on). Closing the store at once keeps Deno's expiry sweep off the damage.
   */
  #damaged(store: SessionStore | null, reason: string): never {
    this.log(
      `session store ${this.kvPath} is damaged (${reason}): session requests get 500 ` +
        `until it is replaced (docs/server.md, "Operating it")`,
    );
    if (store) {
      try {
        store.close();
      } catch { /* already closed */ }
    }
    const failed = Promise.reject(UNAVAILABLE);
    failed.catch(() => {});
    this.#store = failed;
    throw UNAVAILABLE;
  }

  #startTimer(): void {
    if (this.#timer !== undefined) return;
    const timer = setInterval(() => {
      const now = Date.now();
      for (const h of this.#open) h.tick(now);
    }, 1000);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /**
   * At shutdown, after the requests (or the wait for them): the leases of sessions still held
   * are dropped, pending writes committed, then the store is closed.
   */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#timer);
    const store = await this.#store?.catch(() => undefined);
    if (!store) return;
    const held = [...this.#open].map((h) => h.abandon());
    for (const r of await Promise.allSettled(held)) {
      if (r.status === "rejected") this.log(`session lease not dropped at shutdown: ${r.reason}`);
    }
    await store.drain();
    store.close();
  }
}
