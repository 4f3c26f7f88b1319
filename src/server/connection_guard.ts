// Connection limits Deno.serve does not have (2.9.6 offers no header or keep-alive timeout and no
// connection cap, and its accept loop ends for good on EMFILE): modts accepts connections itself
// and hands each to Deno's own HTTP engine, one server per connection, through the internal
// `serveHttpOnConnection` that Deno's own tests use. The bookkeeping per request is two counters;
// one sweep closes what has been silent or idle too long.
//
// Cost, measured here: 5–10% of a raw hello-world's rate on keep-alive connections, ~15% with a
// new connection per request, 2–5% of a publisher call. Limitation: Deno closes an upgraded
// connection as soon as its one-connection server ends, so a WebSocket upgrade fails here (and is
// logged); `--websockets` serves on Deno.serve's own listener instead (see listener.ts).

export interface ConnectionLimits {
  /** Milliseconds a new connection may take to send its first complete request head; 0: none. */
  headerTimeoutMs: number;
  /** Milliseconds a keep-alive connection may sit between requests; 0: none. */
  idleTimeoutMs: number;
  /**
   * Connections open at once; past it a new one gets a 503 and is closed. 0: no cap. "auto":
   * none until descriptors run out, then a little below the count open at that moment.
   */
  maxConnections: number | "auto";
}

export type Handler = (
  request: Request,
  info: Deno.ServeHandlerInfo<Deno.Addr>,
) => Response | Promise<Response>;

type ServeOnConnection = (
  conn: Deno.Conn,
  signal: AbortSignal | undefined,
  handler: Handler,
  onError: (error: unknown) => Response | Promise<Response>,
  onListen: (scheme: unknown) => void,
) => Deno.HttpServer;

/** Deno's per-connection server, or undefined where this Deno does not have it. */
export function perConnectionServe(): ServeOnConnection | undefined {
  const internal = (Deno as unknown as Record<symbol, unknown>)[
    (Deno as unknown as { internal: symbol }).internal
  ] as { serveHttpOnConnection?: unknown } | undefined;
  const serve = internal?.serveHttpOnConnection;
  return typeof serve === "function" ? serve as ServeOnConnection : undefined;
}

/** One accepted connection. `since` is when it last started waiting for a request head. */
interface Connection {
  server: Deno.HttpServer | null;
  since: number;
  requests: number;
  inFlight: number;
  /** Closing was asked for; done as soon as no request is in flight. */
  closing: boolean;
}

const BUSY = new TextEncoder().encode(
  "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: 34\r\n" +
    "retry-after: 1\r\nconnection: close\r\n\r\nThe server has too many connections",
);
const noop = () => {};

export interface GuardedServer {
  addr: Deno.Addr;
  /** Whether an upgraded connection (a WebSocket) lives on. */
  upgrades: boolean;
  /** A handler answered 101 or wanted to: say why the connection cannot be upgraded. */
  upgraded(): void;
  /** Stops accepting; closes each connection once its request in flight is answered. */
  shutdown(): Promise<void>;
}

export function serveGuarded(
  listener: Deno.Listener,
  limits: ConnectionLimits,
  serveOnConnection: ServeOnConnection,
  handler: Handler,
  onError: (error: unknown) => Response,
  log: (message: string) => void,
): GuardedServer {
  const connections = new Set<Connection>();
  const warnFull = rateLimited(log);
  const warnAccept = rateLimited(log);
  const warnUpgrade = rateLimited(log);
  let stopping = false;
  // Ends a wait between accept attempts at once when the server stops.
  const stopped = Promise.withResolvers<void>();
  let cap = limits.maxConnections === "auto" ? 0 : limits.maxConnections;
  // The process's descriptor limit cannot be read without --allow-all (/proc/self/limits), so
  // "auto" learns it: the first EMFILE sets the cap, leaving room for files and refusals.
  const learnCap = (e: unknown) => {
    if (limits.maxConnections !== "auto" || cap > 0) return;
    if (!/too many open files/i.test((e as Error).message)) return;
    cap = Math.max(1, connections.size - Math.max(8, Math.ceil(connections.size / 8)));
    log(
      `descriptors ran out with ${connections.size} connections open: ` +
        `new connections past ${cap} get a 503`,
    );
  };

  const close = (c: Connection) => {
    c.closing = true;
    if (c.inFlight === 0) c.server!.shutdown().catch(noop);
  };

  const sweepEvery = Math.min(
    1000,
    Math.max(
      100,
      Math.min(...[limits.headerTimeoutMs, limits.idleTimeoutMs].filter((t) => t > 0)) / 4,
    ),
  );
  const sweep = limits.headerTimeoutMs > 0 || limits.idleTimeoutMs > 0
    ? setInterval(() => {
      const now = performance.now();
      for (const c of connections) {
        if (c.closing || c.inFlight > 0) continue;
        const limit = c.requests === 0 ? limits.headerTimeoutMs : limits.idleTimeoutMs;
        if (limit > 0 && now - c.since >= limit) close(c);
      }
    }, sweepEvery)
    : undefined;

  const serve = (conn: Deno.Conn) => {
    const c: Connection = {
      server: null,
      since: performance.now(),
      requests: 0,
      inFlight: 0,
      closing: false,
    };
    const answered = () => {
      c.inFlight--;
      c.since = performance.now();
      // Shutting a connection down while a response is on its way drops that response.
      if (c.closing && c.inFlight === 0) c.server!.shutdown().catch(noop);
    };
    c.server = serveOnConnection(
      conn,
      undefined,
      (request, info) => {
        c.requests++;
        c.inFlight++;
        info.completed.then(answered, answered);
        return handler(request, info);
      },
      onError,
      noop,
    );
    connections.add(c);
    c.server.finished.catch(noop).finally(() => connections.delete(c));
  };

  const refuse = (conn: Deno.Conn) => {
    warnFull(`connection limit (${cap}) reached: new connections get a 503`);
    conn.write(BUSY).catch(noop).finally(() => {
      try {
        conn.close();
      } catch { /* the client went first */ }
    });
  };

  const accepting = (async () => {
    let backoff = 10;
    while (!stopping) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
        backoff = 10;
      } catch (e) {
        if (stopping) return;
        learnCap(e);
        // EMFILE and its kin: the listener stays; connections wait in the backlog meanwhile.
        warnAccept(
          `cannot accept connections (${(e as Error).message}) with ${connections.size} open; ` +
            `trying again in ${backoff} ms`,
        );
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([new Promise((r) => timer = setTimeout(r, backoff)), stopped.promise]);
        clearTimeout(timer);
        backoff = Math.min(backoff * 2, 1000);
        continue;
      }
      if (cap > 0 && connections.size >= cap) refuse(conn);
      else {
        try {
          serve(conn);
        } catch (e) {
          warnAccept(`cannot serve a connection: ${(e as Error).message}`);
          try {
            conn.close();
          } catch { /* already closed */ }
        }
      }
    }
  })();

  return {
    addr: listener.addr,
    upgrades: false,
    // (Refusing the upgrade before the handler runs would mean reading every request's headers:
    // a quarter of a publisher call's rate.)
    upgraded: () =>
      warnUpgrade(
        "a WebSocket upgrade fails while connection limits are on: " +
          "start modts with --websockets (config websockets: true)",
      ),
    async shutdown() {
      stopping = true;
      stopped.resolve();
      listener.close();
      await accepting;
      const all = [...connections];
      all.forEach(close);
      await Promise.allSettled(all.map((c) => c.server!.finished));
      clearInterval(sweep);
    },
  };
}

/** At most one line a second; the lines held back are counted in the next. */
function rateLimited(log: (message: string) => void): (message: string) => void {
  let last = 0;
  let held = 0;
  return (message) => {
    const now = Date.now();
    if (now - last < 1000) {
      held++;
      return;
    }
    log(held ? `${message} (and ${held} more such events)` : message);
    last = now;
    held = 0;
  };
}
