// `--workers N`: N isolates (Deno Workers) answering one port. Each is a whole server of its
// own (worker_main.ts: site and listener), bound with SO_REUSEPORT so that the kernel spreads
// connections over them. What they share lives outside them: the session store (KV, whose
// leases already serialise processes), the files, the access log (one append per batch of
// whole lines). This isolate only supervises: it starts them, replaces one that dies or stops
// answering (logged), and stops them all on shutdown.
import { type ServerConfig, UsageError } from "../config/options.ts";
import type { RunningServer } from "./server.ts";

export type ToWorker = { type: "start"; config: ServerConfig } | { type: "ping" } | {
  type: "stop";
};
export type FromWorker =
  | { type: "ready"; url: string; port: number }
  | { type: "failed"; name: string; message: string }
  | { type: "pong" }
  | { type: "stopped" };

/** A worker silent this long (a synchronous loop, or gone without a word) is replaced. */
const WATCHDOG_MS = 10_000;
const PING_MS = 1_000;

interface Slot {
  n: number;
  worker: Worker;
  lastHeard: number;
}

/** The error a worker reported, as the same class here (serve.ts tells them apart). */
function rebuilt(name: string, message: string): Error {
  if (name === "UsageError") return new UsageError(message);
  const Known = (Deno.errors as unknown as Record<string, new (m: string) => Error>)[name];
  return Known ? new Known(message) : new Error(message);
}

export async function startWorkers(
  config: ServerConfig,
  count: number,
  log: (message: string) => void,
): Promise<RunningServer> {
  let stopping = false;
  let started = false;
  // The first one picks the port (--port 0); the others, and replacements, join it.
  let port = config.port;
  const slots: Slot[] = [];

  /** Starts worker `n` on `port`; resolves once it listens. */
  const spawn = (n: number, port: number) => {
    const worker = new Worker(new URL("./worker_main.ts", import.meta.url), {
      type: "module",
      name: `modts worker ${n}`,
    });
    const slot: Slot = { n, worker, lastHeard: performance.now() };
    slots[n - 1] = slot;
    const ready = Promise.withResolvers<{ url: string; port: number }>();
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const m = event.data;
      slot.lastHeard = performance.now();
      if (m.type === "ready") ready.resolve(m);
      else if (m.type === "failed") ready.reject(rebuilt(m.name, m.message));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      replace(slot, `it failed: ${event.message}`);
      ready.reject(new Error(event.message));
    };
    worker.postMessage({ type: "start", config: { ...config, port } } satisfies ToWorker);
    return ready.promise;
  };

  const replace = (slot: Slot, why: string) => {
    if (!started || stopping || slots[slot.n - 1] !== slot) return;
    slot.worker.terminate();
    log(`worker ${slot.n} stopped (${why}); starting another`);
    spawn(slot.n, port).catch((e) => log(`worker ${slot.n} could not start again: ${e.message}`));
  };

  const first = await spawn(1, port).catch((e) => {
    slots[0]?.worker.terminate();
    throw e;
  });
  port = first.port;
  try {
    await Promise.all(Array.from({ length: count - 1 }, (_, i) => spawn(i + 2, port)));
  } catch (e) {
    slots.forEach((s) => s?.worker.terminate());
    throw e;
  }
  started = true;

  const watch = setInterval(() => {
    const now = performance.now();
    for (const slot of slots) {
      if (now - slot.lastHeard > WATCHDOG_MS) {
        replace(slot, `no answer for ${WATCHDOG_MS / 1000} s`);
      } else slot.worker.postMessage({ type: "ping" } satisfies ToWorker);
    }
  }, PING_MS);

  let stopped: Promise<void> | undefined;
  return {
    url: first.url,
    port,
    shutdown: () =>
      stopped ??= (async () => {
        stopping = true;
        clearInterval(watch);
        // Each worker drains its own connections within the shutdown timeout; a little more
        // here, then whatever is left is ended.
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          Promise.all(slots.map((slot) => {
            const done = Promise.withResolvers<void>();
            slot.worker.onmessage = (e: MessageEvent<FromWorker>) => {
              if (e.data.type === "stopped") done.resolve();
            };
            slot.worker.postMessage({ type: "stop" } satisfies ToWorker);
            return done.promise;
          })),
          new Promise((r) => timer = setTimeout(r, (config.shutdownTimeout + 2) * 1000)),
        ]);
        clearTimeout(timer);
        slots.forEach((slot) => slot.worker.terminate());
      })(),
  };
}
