// Sessions inside an interpreter: the isolate may not open the store (it could read every
// site's sessions), so each operation is asked of the server, which runs it on the request's
// own session there — locking, cookies and saving stay the server's, exactly as outside.
import type { CookieJar } from "../request/cookies.ts";
import {
  type OpenSession,
  type SessionBacking,
  SessionObject,
  type SessionSource,
} from "../session/session.ts";
import type { SessionSettings } from "../session/settings.ts";
import type { SessionCall, SessionState } from "./protocol.ts";

/** Sends a session operation of request `id` to the server; resolves with its answer. */
export type AskServer = (id: number, request: SessionCall) => Promise<unknown>;

export class RemoteSessions implements SessionSource {
  /** The server's request id of each request the isolate made. */
  readonly #ids = new WeakMap<Request, number>();

  constructor(private ask: AskServer) {}

  /** Tells which server request `request` is. */
  bind(request: Request, id: number): void {
    this.#ids.set(request, id);
  }

  async open(
    _cookies: CookieJar,
    request: Request,
    settings: SessionSettings,
  ): Promise<OpenSession> {
    const id = this.#ids.get(request);
    if (id === undefined) throw new Error("a session outside a request");
    const state = await this.ask(id, { op: "open", settings }) as SessionState;
    const backing = new RemoteBacking(state, (request) => this.ask(id, request));
    const session = backing.session = new SessionObject(backing, state.data);
    return {
      session,
      close: (commit) => this.ask(id, { op: "close", commit, data: session.data }).then(() => {}),
      // The server's own handle takes its cookie back.
      withdrawCookieIfUnused: () => {},
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The server's session, as the isolate's `Session` object sees it: what the server said when
 * it opened it, every operation asked of the server.
 */
class RemoteBacking implements SessionBacking {
  id: string;
  readonly isNew: boolean;
  readonly created: number;
  readonly lastAccessed: number;
  readonly settings: { timeout: number };
  /** The object user code holds (its data is what a save sends). */
  session!: SessionObject;

  constructor(state: SessionState, private ask: (request: SessionCall) => Promise<unknown>) {
    this.id = state.id;
    this.isNew = state.isNew;
    this.created = state.created;
    this.lastAccessed = state.lastAccessed;
    this.settings = { timeout: state.timeout };
  }

  async save(): Promise<void> {
    await this.ask({ op: "save", data: this.session.data });
  }

  async invalidate(): Promise<void> {
    await this.ask({ op: "invalidate" });
    this.session.data = {};
  }

  async regenerate(): Promise<void> {
    this.id = await this.ask({ op: "regenerate" }) as string;
  }
}
