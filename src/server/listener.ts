// Where connections come from: the connection guard by default (timeouts and a cap), or
// Deno.serve's own listener when WebSockets are wanted (see connection_guard.ts for why the two
// cannot be had together on Deno 2.9.6). Either way running out of descriptors is survived.

import { UsageError } from "../config/options.ts";
import {
  type ConnectionLimits,
  type GuardedServer,
  type Handler,
  perConnectionServe,
  serveGuarded,
} from "./connection_guard.ts";

/** A listening server of either kind; `shutdown` lets requests in flight finish. */
export type Listening = GuardedServer;

export interface ListenOptions {
  hostname: string;
  port: number;
  /** A Unix socket to listen on instead of hostname and port. */
  unix: string | null;
  /** HTTPS: the PEM texts of the certificate chain and its key. */
  tls: { cert: string; key: string } | null;
  /** Share the port with other listeners (SO_REUSEPORT): `--workers`. */
  reusePort: boolean;
  limits: ConnectionLimits;
  /** Serve on Deno.serve's listener, where upgrades work but the limits cannot be applied. */
  websockets: boolean;
}

export async function listen(
  options: ListenOptions,
  handler: Handler,
  onError: (error: unknown) => Response,
  log: (message: string) => void,
): Promise<Listening> {
  if (options.unix !== null) await clearSocketPath(options.unix);
  const serveOnConnection = perConnectionServe();
  let server: Listening;
  try {
    if (!options.websockets && serveOnConnection) {
      const { hostname, port, tls, reusePort } = options;
      const listener = options.unix !== null
        ? Deno.listen({ path: options.unix, transport: "unix" })
        : tls
        ? Deno.listenTls({ hostname, port, reusePort, ...tls, alpnProtocols: ["h2", "http/1.1"] })
        : Deno.listen({ hostname, port, reusePort, transport: "tcp" });
      server = serveGuarded(listener, options.limits, serveOnConnection, handler, onError, log);
    } else {
      if (!options.websockets) {
        log("this Deno cannot serve one connection at a time: connection limits are not applied");
      }
      server = await serveRebinding(options, handler, onError, log);
    }
  } catch (e) {
    // A certificate and key that do not belong together, or PEM without one: the operator's.
    if (options.tls && !(e instanceof Deno.errors.AddrInUse)) {
      throw new UsageError(`--cert and --key cannot be used: ${(e as Error).message}`);
    }
    throw e;
  }
  // Read and write for the owner and its group (the proxy in front), nobody else.
  if (options.unix !== null) await Deno.chmod(options.unix, 0o660);
  return server;
}

/**
 * Makes way for a Unix socket at `path`: a stale socket (nobody answers on it) is removed;
 * a live one, or a file that is not a socket, is an AddrInUse error.
 */
async function clearSocketPath(path: string): Promise<void> {
  const info = await Deno.lstat(path).catch(() => null);
  if (info === null) return;
  if (!info.isSocket) throw new Deno.errors.AddrInUse(`${path} exists and is not a socket`);
  const live = await Deno.connect({ transport: "unix", path }).then((c) => {
    c.close();
    return true;
  }, () => false);
  if (live) throw new Deno.errors.AddrInUse(`something is listening on ${path}`);
  await Deno.remove(path);
}

/**
 * Deno.serve, listening again when its accept loop ends on an error such as EMFILE (connections
 * already open keep being served; new ones are refused until descriptors are free again).
 */
async function serveRebinding(
  options: ListenOptions,
  handler: Handler,
  onError: (error: unknown) => Response,
  log: (message: string) => void,
): Promise<Listening> {
  let stopping = false;
  let current: Deno.HttpServer | undefined;
  const start = (port: number) => {
    const listening = Promise.withResolvers<Deno.Addr>();
    const onListen = (addr: Deno.Addr) => listening.resolve(addr);
    const server = options.unix !== null
      ? Deno.serve({ path: options.unix, onListen, onError }, handler)
      : Deno.serve(
        {
          hostname: options.hostname,
          port,
          reusePort: options.reusePort,
          ...options.tls,
          onListen,
          onError,
        },
        handler,
      );
    current = server;
    return listening.promise.then((addr) => {
      // Again on the port it got, not on port 0's next pick.
      const again = addr.transport === "tcp" ? addr.port : port;
      server.finished.catch((e: Error) => {
        if (stopping) return;
        // Deno's message repeats its class ("Error: Too many open files …").
        const why = e.message.replace(/^Error: /, "");
        log(`the listener failed (${why}); listening again in 1 s`);
        retry(again);
      });
      return addr;
    });
  };
  const retry = (port: number) =>
    setTimeout(async () => {
      if (stopping) return;
      try {
        if (options.unix !== null) await clearSocketPath(options.unix);
        await start(port);
        log(`listening again on ${options.unix ?? `port ${port}`}`);
      } catch (e) {
        log(`cannot listen yet (${(e as Error).message}); trying again in 1 s`);
        retry(port);
      }
    }, 1000);
  const addr = await start(options.port);
  return {
    addr,
    upgrades: true,
    upgraded: () => {},
    async shutdown() {
      stopping = true;
      await current?.shutdown();
    },
  };
}
