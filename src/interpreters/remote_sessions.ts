// Sessions inside an interpreter: the isolate may not open the store (it could read every
// site's sessions), so each operation is asked of the server, which runs it on the request's
// own session there — locking, cookies and saving stay the server's, exactly as outside.
import type { Session } from "../api/session.ts";
import type { CookieJar } from "../request/cookies.ts";
import type { OpenSession, SessionSource } from "../session/session.ts";
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
    const session = new RemoteSession(state, (request) => this.ask(id, request));
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

/** `req.session()` in an interpreter: the data here, every operation on the server's session. */
class RemoteSession implements Session {
  #state: SessionState;
  data: Record<string, unknown>;

  constructor(state: SessionState, private ask: (request: SessionCall) => Promise<unknown>) {
    this.#state = state;
    this.data = state.data;
  }

  get id(): string {
    return this.#state.id;
  }
  get isNew(): boolean {
    return this.#state.isNew;
  }
  get created(): Date {
    return new Date(this.#state.created);
  }
  get lastAccessed(): Date {
    return new Date(this.#state.lastAccessed);
  }
  get timeout(): number {
    return this.#state.timeout;
  }

  async save(): Promise<void> {
    await this.ask({ op: "save", data: this.data });
  }

  async invalidate(): Promise<void> {
    await this.ask({ op: "invalidate" });
    this.data = {};
  }

  async regenerate(): Promise<void> {
    this.#state = { ...this.#state, id: await this.ask({ op: "regenerate" }) as string };
  }
}
