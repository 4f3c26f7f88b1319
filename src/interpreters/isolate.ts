// One isolate of an interpreter, seen from the server: a Worker or process with narrowed
// permissions (hosts.ts), the requests it is answering, and the session operations it asks
// for. When it runs past the time limit, fails, or exits, it is terminated and replaced; its
// requests get a 503 (or a cut stream), and their sessions are released by their exchanges
// like any failed request's.
import { HttpError } from "../http/status.ts";
import type { Exchange } from "../request/exchange.ts";
import { type Deadline, deadline } from "../util/deadlines.ts";
import type { IsolateHost, StartHost } from "./hosts.ts";
import { Outbox } from "./outbox.ts";
import type {
  FormField,
  FromIsolate,
  InterpreterSite,
  ResponseHead,
  SessionCall,
  ToIsolate,
} from "./protocol.ts";

interface InFlight {
  ex: Exchange;
  head: PromiseWithResolvers<Response>;
  /** The body's stream once the head has come. */
  body?: ReadableStreamDefaultController<Uint8Array>;
  timer?: Deadline;
}

export class Isolate {
  #host!: IsolateHost;
  #ready!: Promise<boolean>;
  #inFlight = new Map<number, InFlight>();
  #lastId = 0;
  /** A ping is out: the isolate must answer it before the time limit runs out again. */
  #pinged?: Deadline;
  #closed = false;
  #outbox = new Outbox<ToIsolate>((batch) =>
    this.#host.post(
      batch,
      batch.flatMap((m) => m.type === "request" && m.body ? [m.body.buffer] : []),
    )
  );
  /** Requests taken but not yet sent (waiting for the isolate to start, or for their body). */
  #arriving = 0;
  /** Whether the current isolate said it is ready. */
  #up = false;
  /** The next attempt to start, after one failed. */
  #again?: ReturnType<typeof setTimeout>;

  constructor(
    private site: InterpreterSite,
    /** Starts the Worker or process that carries the isolate (hosts.ts). */
    private startHost: StartHost,
    /** Milliseconds a request may run before the isolate is terminated. */
    private timeoutMs: number,
    private log: (message: string) => void,
  ) {
    this.#start();
  }

  /** Requests taken (the interpreter sends new ones to the least busy isolate). */
  get load(): number {
    return this.#inFlight.size + this.#arriving;
  }

  /** Answers `ex` in the isolate. */
  async serve(ex: Exchange): Promise<Response> {
    this.#arriving++;
    let sent = false;
    try {
      const { answer } = await this.#send(ex);
      sent = true;
      this.#arriving--;
      return await answer;
    } finally {
      if (!sent) this.#arriving--;
    }
  }

  /** Sends `ex` to the isolate once it is ready and the body is read; the answer to come. */
  async #send(ex: Exchange): Promise<{ answer: Promise<Response> }> {
    if (!(await this.#ready)) throw new HttpError(503, "The interpreter failed to start.");
    let body: Uint8Array<ArrayBuffer> | null = null;
    let form: FormField[] | null = null;
    if (ex.method !== "GET" && ex.method !== "HEAD") {
      if (/^multipart\/form-data/i.test(ex.headers.get("content-type") ?? "")) {
        // The server writes the files, where this interpreter (and only it) may read them.
        ex.uploadDir = this.site.uploadDir;
        form = [];
        for (const [name, values] of (await ex.loadForm()).entries()) {
          for (const v of values) {
            form.push([
              name,
              typeof v === "string" ? v : {
                field: v.field,
                filename: v.filename,
                type: v.type,
                size: v.size,
                path: v.path,
              },
            ]);
          }
        }
      } else {
        const raw = ex.raw;
        body = raw.body ? new Uint8Array(await raw.arrayBuffer()) : null;
      }
    }
    const id = ++this.#lastId;
    const flight: InFlight = { ex, head: Promise.withResolvers() };
    this.#inFlight.set(id, flight);
    this.#arm(id, flight);
    this.#outbox.push({
      type: "request",
      id,
      method: ex.method,
      url: ex.url,
      headers: [...ex.headers],
      body,
      form,
      remoteAddr: ex.remoteAddr,
    });
    return { answer: flight.head.promise };
  }

  /** Stops the isolate; what it was answering fails. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#again);
    this.#drop("The server is shutting down.");
    this.#host.terminate();
  }

  #start(): void {
    this.#outbox.clear(); // what was queued for a terminated isolate dies with it
    const ready = Promise.withResolvers<boolean>();
    this.#ready = ready.promise;
    const host: IsolateHost = this.startHost(
      (batch) => {
        for (const m of batch) this.#received(m, ready);
      },
      (why) => {
        if (host !== this.#host) return; // one replaced already
        ready.resolve(false);
        if (this.#up) this.#replace(why);
        else this.#retry(why);
      },
    );
    this.#up = false;
    this.#host = host;
    this.#outbox.push({ type: "init", site: this.site });
  }

  #received(m: FromIsolate, ready: PromiseWithResolvers<boolean>): void {
    switch (m.type) {
      case "ready":
        this.#up = true;
        if (this.#again !== undefined) this.log("started again");
        this.#again = undefined;
        return ready.resolve(true);
      case "failed":
        ready.resolve(false);
        return this.#retry(m.message);
      case "head": {
        const flight = this.#inFlight.get(m.id);
        if (!flight) return;
        const body = new ReadableStream<Uint8Array>({
          start: (c) => void (flight.body = c),
          cancel: () => {
            this.#end(m.id);
            this.#outbox.push({ type: "cancel", id: m.id });
          },
        });
        return flight.head.resolve(answer(flight, m, body));
      }
      case "whole": {
        const flight = this.#inFlight.get(m.id);
        if (!flight) return;
        this.#end(m.id);
        return flight.head.resolve(answer(flight, m, m.body));
      }
      case "chunk":
        return this.#inFlight.get(m.id)?.body?.enqueue(m.bytes);
      case "end": {
        const flight = this.#inFlight.get(m.id);
        this.#end(m.id);
        try {
          flight?.body?.close();
        } catch { /* the client left */ }
        return;
      }
      case "error": {
        const flight = this.#inFlight.get(m.id);
        this.#end(m.id);
        flight?.head.reject(new Error(m.message));
        flight?.body?.error(new Error(m.message));
        return;
      }
      case "session":
        return void this.#session(m.call, m.id, m.request);
      case "pong":
        this.#pinged?.cancel();
        this.#pinged = undefined;
        for (const [id, flight] of this.#inFlight) this.#arm(id, flight);
        return;
      case "log":
        return this.log(m.message);
      case "exit":
        return this.#replace("exited");
    }
  }

  /**
   * The time limit of one request. Before its head: a 503 and a new isolate. After it (a
   * streamed answer): a ping, and a new isolate only if that goes unanswered too — a stream
   * may wait for events as long as it likes, a busy loop cannot answer.
   */
  #arm(id: number, flight: InFlight): void {
    flight.timer?.cancel();
    if (this.timeoutMs <= 0) return;
    flight.timer = deadline(this.timeoutMs, () => {
      if (!this.#inFlight.has(id)) return;
      if (!flight.body) {
        const seconds = this.timeoutMs / 1000;
        const { method, url } = flight.ex;
        this.log(`${method} ${new URL(url).pathname} ran past ${seconds}s: isolate replaced`);
        flight.head.reject(
          new HttpError(503, `The request took longer than ${seconds} seconds.`, {
            "retry-after": "1",
          }),
        );
        this.#end(id);
        return this.#replace(null);
      }
      if (this.#pinged) return;
      this.#outbox.push({ type: "ping" });
      this.#pinged = deadline(this.timeoutMs, () => this.#replace("stopped answering"));
    });
  }

  #end(id: number): void {
    this.#inFlight.get(id)?.timer?.cancel();
    this.#inFlight.delete(id);
  }

  /** Terminates this isolate (logging `why`) and starts a fresh one. */
  #replace(why: string | null): void {
    if (why !== null) this.log(`${why}: isolate replaced`);
    this.#drop("The interpreter was restarted.");
    this.#host.terminate();
    this.#pinged?.cancel();
    this.#pinged = undefined;
    if (!this.#closed) this.#start();
  }

  /**
   * An isolate that could not start (its site failed to open, its process would not run): tried
   * again in a second, not at once — what failed at once would fail again in a tight loop.
   */
  #retry(why: string): void {
    this.log(`cannot start (${why}); trying again in 1 s`);
    this.#drop("The interpreter failed to start.");
    this.#host.terminate();
    clearTimeout(this.#again);
    this.#again = setTimeout(() => this.#closed || this.#start(), 1000);
  }

  /** Every request in flight fails: a 503 if unanswered, a cut stream otherwise. */
  #drop(reason: string): void {
    for (const [id, flight] of this.#inFlight) {
      this.#end(id);
      flight.head.reject(new HttpError(503, reason, { "retry-after": "1" }));
      try {
        flight.body?.error(new Error(reason));
      } catch { /* closed already */ }
    }
  }

  async #session(call: number, id: number, request: SessionCall): Promise<void> {
    const flight = this.#inFlight.get(id);
    try {
      if (!flight) throw new HttpError(503, "The request is over.");
      const s = await flight.ex.session(request.op === "open" ? request.settings : undefined);
      let value: unknown;
      switch (request.op) {
        case "open":
          value = {
            id: s.id,
            isNew: s.isNew,
            created: s.created.getTime(),
            lastAccessed: s.lastAccessed.getTime(),
            timeout: s.timeout,
            data: s.data,
          };
          break;
        case "save":
          s.data = request.data;
          await s.save();
          break;
        case "invalidate":
          await s.invalidate();
          break;
        case "regenerate":
          await s.regenerate();
          value = s.id;
          break;
        case "close":
          // Saved, and the lock released, when the server's request ends.
          if (request.commit) s.data = request.data;
          break;
      }
      this.#outbox.push({ type: "reply", call, value });
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      const message = e instanceof Error ? e.message : String(e);
      this.#outbox.push({ type: "reply", call, error: { status, message } });
    }
  }
}

/** The isolate's answer as the server sends it on (no body where HTTP has none). */
function answer(
  flight: InFlight,
  head: ResponseHead,
  body: BodyInit | null,
): Response {
  const empty = head.status === 204 || head.status === 304 || flight.ex.method === "HEAD";
  return new Response(empty ? null : body, head);
}
