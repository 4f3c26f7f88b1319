// The inside of an interpreter's isolate, whichever carries it (a Worker: interpreter_main.ts;
// a process of its own: interpreter_process.ts): a site rooted at the interpreter's directory,
// running with the permissions the server gave it. Requests arrive as messages and leave as a
// whole answer or a head and chunks; sessions are asked of the server (remote_sessions.ts).
// Errors that escape a request end the isolate, and the server starts a fresh one.
import { DEFAULTS } from "../config/options.ts";
import { HttpError } from "../http/status.ts";
import { Form } from "../request/form.ts";
import { openSite, type Site } from "../server/site.ts";
import type { FromIsolate, InterpreterSite, ToIsolate } from "./protocol.ts";
import { Outbox } from "./outbox.ts";
import { RemoteSessions } from "./remote_sessions.ts";
import { concatBytes } from "../util/bytes.ts";

const NOT_YET = Symbol("not yet");

/** How batches of messages come and go. */
export interface IsolateChannel {
  send(batch: FromIsolate[]): void;
  onReceive(handler: (batch: ToIsolate[]) => void): void;
}

/**
 * Serves the server's requests on `channel`. Returns `flush`, which sends what is queued at
 * once (before the isolate ends itself).
 */
export function serveIsolate(
  channel: IsolateChannel,
): { send(m: FromIsolate): void; flush(): void } {
  const outbox = new Outbox<FromIsolate>((batch) => channel.send(batch));
  // Settled when this turn's messages go out: a body that is all there by then (most are) is
  // sent whole with its head; the rest are streams, sent chunk by chunk. (Even a body made of a
  // string takes a few microtasks to read: "read already" sent every answer as a stream.)
  let turnEnd: Promise<typeof NOT_YET> | undefined;
  const endOfTurn = () => {
    if (turnEnd) return turnEnd;
    const { promise, resolve } = Promise.withResolvers<typeof NOT_YET>();
    setImmediate(() => {
      turnEnd = undefined;
      resolve(NOT_YET);
    });
    return turnEnd = promise;
  };
  const send = (message: FromIsolate) => outbox.push(message);
  const calls = new Map<number, PromiseWithResolvers<unknown>>();
  let lastCall = 0;
  const sessions = new RemoteSessions((id, request) => {
    const call = ++lastCall;
    const answer = Promise.withResolvers<unknown>();
    calls.set(call, answer);
    send({ type: "session", call, id, request });
    return answer.promise;
  });
  const forms = new WeakMap<Request, Form>();
  /** How to stop sending each response being sent (the client left). */
  const running = new Map<number, () => void>();
  let site: Site | undefined;

  function received(m: ToIsolate): void {
    switch (m.type) {
      case "init":
        return void start(m.site);
      case "request":
        return void serve(m);
      case "cancel":
        return running.get(m.id)?.();
      case "reply": {
        const answer = calls.get(m.call);
        calls.delete(m.call);
        if (m.error) answer?.reject(new HttpError(m.error.status, m.error.message));
        else answer?.resolve(m.value);
        return;
      }
      case "ping":
        return send({ type: "pong" });
    }
  }

  async function start(s: InterpreterSite): Promise<void> {
    try {
      const config = {
        ...DEFAULTS,
        root: s.root,
        debug: s.debug,
        autoreload: s.autoreload,
        maxBodySize: s.maxBodySize,
        requestTimeout: s.requestTimeout,
        fsTtl: s.fsTtl,
        liveReload: s.liveReload,
        kv: ":memory:",
        dataDir: s.uploadDir,
      };
      site = await openSite(config, {
        isolated: {
          sessions,
          uploadDir: s.uploadDir,
          basePath: s.basePath,
          formOf: (raw) => forms.get(raw),
        },
        log: (message) => send({ type: "log", message }),
      });
      send({ type: "ready" });
    } catch (e) {
      send({ type: "failed", message: e instanceof Error ? e.message : String(e) });
    }
  }

  async function serve(m: Extract<ToIsolate, { type: "request" }>): Promise<void> {
    try {
      const request = new Request(m.url, { method: m.method, headers: m.headers, body: m.body });
      sessions.bind(request, m.id);
      if (m.form) {
        const form = new Form();
        for (const [name, value] of m.form) form.add(name, value);
        forms.set(request, form);
      }
      const res = await site!.fetch(request, { remoteAddr: { hostname: m.remoteAddr } });
      const head = { id: m.id, status: res.status, statusText: res.statusText };
      const headers = [...res.headers];
      if (!res.body) return send({ type: "whole", ...head, headers, body: null });
      const reader = res.body.getReader();
      running.set(m.id, () => reader.cancel().catch(() => {}));
      // A body that is all there (most are) goes in one message; a stream goes chunk by chunk.
      const chunks: Uint8Array[] = [];
      let next = reader.read();
      for (;;) {
        const r = await Promise.race([next, endOfTurn()]);
        if (r === NOT_YET) break;
        if (r.done) return send({ type: "whole", ...head, headers, body: concatBytes(chunks) });
        chunks.push(r.value);
        next = reader.read();
      }
      send({ type: "head", ...head, headers });
      // Copied, not transferred: a body may be a cached buffer the site sends again.
      for (const bytes of chunks) send({ type: "chunk", id: m.id, bytes });
      for (;;) {
        const { done, value } = await next;
        if (done) break;
        send({ type: "chunk", id: m.id, bytes: value });
        next = reader.read();
      }
      send({ type: "end", id: m.id });
    } catch (e) {
      send({ type: "error", id: m.id, message: e instanceof Error ? e.message : String(e) });
    } finally {
      running.delete(m.id);
    }
  }

  channel.onReceive((batch) => {
    for (const m of batch) received(m);
  });
  return { send, flush: () => outbox.flush() };
}
