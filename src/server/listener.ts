// Where connections come from: the connection guard by default (timeouts and a cap), or
// Deno.serve's own listener when WebSockets are wanted (see connection_guard.ts for why the two
// cannot be had together on Deno 2.9.6). Either way running out of descriptors is survived.

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
  const serveOnConnection = perConnectionServe();
  if (!options.websockets && serveOnConnection) {
    return serveGuarded(options, options.limits, serveOnConnection, handler, onError, log);
  }
  if (!options.websockets) {
    log("this Deno cannot serve one connection at a time: connection limits are not applied");
  }
  return await serveRebinding(options, handler, onError, log);
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
    const listening = Promise.withResolvers<Deno.NetAddr>();
    const server = Deno.serve({
      hostname: options.hostname,
      port,
      onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
      onError,
    }, handler);
    current = server;
    return listening.promise.then((addr) => {
      // Again on the port it got, not on port 0's next pick.
      server.finished.catch((e: Error) => {
        if (stopping) return;
        // Deno's message repeats its class ("Error: Too many open files …").
        const why = e.message.replace(/^Error: /, "");
        log(`the listener failed (${why}); listening again in 1 s`);
        retry(addr.port);
      });
      return addr;
    });
  };
  const retry = (port: number) =>
    setTimeout(() => {
      if (stopping) return;
      try {
        start(port).then(() => log(`listening again on port ${port}`));
      } catch (e) {
        log(`cannot listen yet (${(e as Error).message}); trying again in 1 s`);
        retry(port);
      }
    }, 1000);
  const addr = await start(options.port);
  return {
    addr,
    upgraded: () => {},
    async shutdown() {
      stopping = true;
      await current?.shutdown();
    },
  };
}
