// One request's session: the object handlers see (`Session`) and the handle the request
// closes at its end (`SessionHandle`), which saves, releases the lease and hands the lock on.
import { NO_ATTRIBUTES, traced } from "../log/tracing.ts";
import type { Session } from "../api/session.ts";
import type { LocalLocks } from "./locks.ts";
import type { SessionSettings } from "./settings.ts";
import type { Entry, SessionRecord, SessionStore } from "./store.ts";
import { newSessionId } from "./ids.ts";
import type { CookieJar } from "../request/cookies.ts";

/** What a request holds of its session: the object user code sees, and how it ends. */
export interface OpenSession {
  readonly session: Session;
  /** Saves the data (`commit`, else only releases) and hands the lock on. */
  close(commit: boolean): Promise<void>;
  /** Takes back this request's Set-Cookie if the session was never used. */
  withdrawCookieIfUnused(): void;
}

/**
 * Where requests' sessions come from: the store (`SessionManager`), or, inside an
 * interpreter, the server (src/interpreters/remote_sessions.ts).
 */
export interface SessionSource {
  /** The session of `request` (as it came: its signal says when the client has gone). */
  open(cookies: CookieJar, request: Request, settings: SessionSettings): Promise<OpenSession>;
  close(): Promise<void>;
}

/** What the handle needs from the request: its cookie jar. */
export interface SessionCookies {
  set(id: string | null): Promise<void>;
  /** Takes back the Set-Cookie made in this request. */
  unset(): void;
}

/**
 * What a `Session` object shows and does through: a handle on the store here, or inside an
 * interpreter the server's session (src/interpreters/remote_sessions.ts).
 */
export interface SessionBacking {
  readonly id: string;
  readonly isNew: boolean;
  /** Epoch milliseconds. */
  readonly created: number;
  readonly lastAccessed: number;
  readonly settings: { readonly timeout: number };
  save(): Promise<void>;
  invalidate(): Promise<void>;
  regenerate(): Promise<void>;
}

/** `req.session()` (SPEC §5): the public face of a handle; the handle stays out of reach. */
export class SessionObject implements Session {
  #handle: SessionBacking;

  constructor(handle: SessionBacking, public data: Record<string, unknown>) {
    this.#handle = handle;
  }

  get id(): string {
    return this.#handle.id;
  }
  get isNew(): boolean {
    return this.#handle.isNew;
  }
  get created(): Date {
    return new Date(this.#handle.created);
  }
  get lastAccessed(): Date {
    return new Date(this.#handle.lastAccessed);
  }
  get timeout(): number {
    return this.#handle.settings.timeout;
  }

  save(): Promise<void> {
    return this.#handle.save();
  }

  invalidate(): Promise<void> {
    return this.#handle.invalidate();
  }

  regenerate(): Promise<void> {
    return this.#handle.regenerate();
  }
}

export class SessionHandle implements OpenSession, SessionBacking {
  readonly session: Session;
  readonly lastAccessed: number;
  readonly created: number;
  /** What is in KV, with this process's lease on it; null while a new session is unsaved. */
  #entry: Entry | null;
  #closed = false;
  /** Set by `invalidate`: the cookie now expires the id, and nothing is stored. */
  #dropped = false;
  /** KV work of this session, one after another (a renewal never races a save). */
  #queue: Promise<unknown> = Promise.resolve();
  /** Epoch ms when this request took the lock. */
  readonly opened: number;

  constructor(
    public id: string,
    readonly isNew: boolean,
    entry: Entry | null,
    readonly settings: SessionSettings,
    private store: SessionStore,
    private locks: LocalLocks<Entry>,
    private cookies: SessionCookies,
    private log: (message: string) => void,
    /** The open handles, whose leases the manager's timer renews. */
    private open: Set<SessionHandle>,
  ) {
    open.add(this);
    const now = Date.now();
    this.#entry = entry;
    this.created = entry?.record.created ?? now;
    this.lastAccessed = entry?.record.accessed ?? now;
    this.opened = now;
    this.session = new SessionObject(this, entry ? JSON.parse(entry.record.data) : {});
  }

  /**
   * Called about once a second while open (by the manager's one timer, cheaper than timers
   * per request): renews the lease before a third of it is left, and releases a hold that
   * has lasted past `lockTimeout` (a handler that hangs must not block its session).
   */
  tick(now: number): void {
    if (this.#closed) return;
    if (now - this.opened > this.settings.lockTimeout * 1000) {
      this.log(
        `session ${
          this.id.slice(0, 8)
        }… held longer than ${this.settings.lockTimeout}s: saved and released`,
      );
      this.close(true).catch((e) => this.log(`session release failed: ${e}`));
      return;
    }
    const lease = this.#entry?.record.lease;
    if (lease && lease.until - now < this.store.leaseMs / 3) this.#serial(() => this.#renew());
  }

  /**
   * A new session that holds nothing and was never saved: not stored, and its cookie is not
   * sent (a client without a cookie must not make a record per request by reading).
   */
  get unused(): boolean {
    if (!this.isNew || this.#entry !== null || this.#dropped) return false;
    for (const _ in this.session.data) return false;
    return true;
  }

  /** Called as the response is made: an unused session's cookie is taken back. */
  withdrawCookieIfUnused(): void {
    if (this.unused) this.cookies.unset();
  }

  /** Ends the hold: later saves fail, and the manager's timer forgets this handle. */
  #markClosed(): void {
    this.#closed = true;
    this.open.delete(this);
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(op);
    this.#queue = run.catch(() => {});
    return run;
  }

  #record(data: string, lease: boolean): SessionRecord {
    const now = Date.now();
    return {
      data,
      created: this.created,
      accessed: now,
      timeout: this.settings.timeout,
      lease: lease ? { owner: this.store.owner, until: now + this.store.leaseMs } : null,
    };
  }

  #open(): void {
    if (this.#closed) {
      throw new Error(
        `session ${
          this.id.slice(0, 8)
        }… is closed: its lock was released (the request ended or held it longer than ${this.settings.lockTimeout}s)`,
      );
    }
  }

  #write(record: SessionRecord): Promise<void> {
    return traced("modts.session.save", NO_ATTRIBUTES, () => this.#persist(record));
  }

  async #persist(record: SessionRecord): Promise<void> {
    const written = await this.store.write(this.id, this.#entry, record);
    if (!written) throw new Error(`session ${this.id.slice(0, 8)}… was changed by another holder`);
    this.#entry = written;
  }

  async #renew(): Promise<void> {
    if (this.#closed || !this.#entry) return;
    try {
      await this.#write({
        ...this.#record(this.#entry.record.data, true),
        accessed: this.#entry.record.accessed,
      });
    } catch (e) {
      this.log(`session lease renewal failed: ${e}`);
    }
  }

  save(): Promise<void> {
    this.#open();
    const data = JSON.stringify(this.session.data);
    return this.#serial(() => this.#write(this.#record(data, true)));
  }

  invalidate(): Promise<void> {
    this.#open();
    return this.#serial(async () => {
      if (this.#entry && !(await this.store.delete(this.id, this.#entry))) {
        throw new Error(`session ${this.id.slice(0, 8)}… was changed by another holder`);
      }
      this.#entry = null;
      this.#dropped = true;
      this.session.data = {};
      await this.cookies.set(null);
      this.#markClosed();
      this.locks.release(this.id, null);
    });
  }

  regenerate(): Promise<void> {
    this.#open();
    return this.#serial(async () => {
      const oldId = this.id;
      const newId = newSessionId();
      this.locks.take(newId);
      if (this.#entry) {
        const moved = await this.store.move(oldId, this.#entry, newId);
        if (!moved) {
          this.locks.release(newId, null);
          throw new Error(`session ${oldId.slice(0, 8)}… was changed by another holder`);
        }
        this.#entry = moved;
      }
      this.id = newId;
      // The old id's waiters find nothing and start new sessions.
      this.locks.release(oldId, null);
      await this.cookies.set(newId);
    });
  }

  /**
   * At shutdown, whatever the request is doing: the lease is dropped (the stored data kept,
   * nothing new saved), so that the next process does not wait for it to expire.
   */
  abandon(): Promise<void> {
    if (this.#closed) return this.#queue.then(() => {});
    this.#markClosed();
    return this.#serial(async () => {
      try {
        if (this.#entry) await this.#write(this.#record(this.#entry.record.data, false));
      } finally {
        this.locks.release(this.id, null);
      }
    });
  }

  /**
   * Ends the request's hold: writes the data (`commit`) or only releases the lease, then
   * hands the lock to this process's next waiter (keeping the lease for it) or frees it.
   */
  close(commit: boolean): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#markClosed();
    return this.#serial(async () => {
      try {
        const unused = this.unused;
        const data = commit && !unused
          ? JSON.stringify(this.session.data)
          : this.#entry?.record.data;
        if (data !== undefined) {
          const handover = this.locks.hasWaiters(this.id);
          await this.#write(this.#record(data, handover));
          // A waiter that gave up (its client left) must not keep the lease from others.
          if (handover && !this.locks.hasWaiters(this.id)) {
            await this.#write(this.#record(data, false));
          }
        }
      } catch (e) {
        if (commit && this.#entry) {
          await this.#write(this.#record(this.#entry.record.data, false)).catch(() => {});
        }
        throw e;
      } finally {
        this.locks.release(this.id, this.#entry);
      }
    });
  }
}
