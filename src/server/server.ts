// The server: a site (site.ts) behind a listener (listener.ts), and its orderly shutdown.
import { type ServerConfig, UsageError } from "../config/options.ts";
import { listen, type Listening } from "./listener.ts";
import { openSite, type SiteOptions } from "./site.ts";
import { openVirtualHosts } from "./virtual_hosts.ts";

export interface RunningServer {
  /** `http(s)://HOST:PORT/` with the real port, or `unix:PATH`. */
  url: string;
  /** 0 on a Unix socket. */
  port: number;
  /** Stop accepting, let in-flight requests finish (bounded), close logs. */
  shutdown(): Promise<void>;
}

export interface ServerOptions extends SiteOptions {
  /** Share the port with the other workers (SO_REUSEPORT). */
  reusePort?: boolean;
}

/** `http(s)://HOST:PORT/`, or `unix:PATH` for a Unix socket. */
function formatUrl(addr: Deno.Addr, https: boolean): string {
  if (!("hostname" in addr)) return "path" in addr ? `unix:${addr.path}` : `vsock:${addr.cid}`;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return `${https ? "https" : "http"}://${host}:${addr.port}/`;
}

/** The PEM texts of `--cert` and `--key`: both or neither, readable, not beside `--unix`. */
async function readTls(config: ServerConfig): Promise<{ cert: string; key: string } | null> {
  if (config.cert === null && config.key === null) return null;
  if (config.cert === null || config.key === null) {
    throw new UsageError(`${config.cert === null ? "--key needs --cert" : "--cert needs --key"}`);
  }
  if (config.unix !== null) throw new UsageError("--cert and --unix do not go together");
  const read = (flag: string, path: string) =>
    Deno.readTextFile(path).catch((e: Error) => {
      throw new UsageError(`${flag} ${path}: cannot read it (${e.message})`);
    });
  return { cert: await read("--cert", config.cert), key: await read("--key", config.key) };
}

/** Starts modts on `config`. */
export async function startServer(
  config: ServerConfig,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const tls = await readTls(config);
  const site = config.sites
    ? await openVirtualHosts(config, options)
    : await openSite(config, options);
  let server: Listening;
  try {
    server = await listen(
      {
        hostname: config.host,
        port: config.port,
        unix: config.unix,
        tls,
        reusePort: options.reusePort ?? false,
        websockets: config.websockets,
        limits: {
          headerTimeoutMs: config.headerTimeout * 1000,
          idleTimeoutMs: config.idleTimeout * 1000,
          maxConnections: config.maxConnections,
        },
      },
      site.fetch,
      site.fail,
      site.log,
    );
  } catch (e) {
    await site.close(); // its upload directory goes with it
    throw e;
  }
  site.listening(server);
  const addr = server.addr;

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    stopping ??= (async () => {
      site.drain();
      const stopped = server.shutdown();
      const timeout = new Promise<void>((r) => {
        const t = setTimeout(() => {
          site.log(`shutdown: in-flight requests still running after ${config.shutdownTimeout}s`);
          r();
        }, config.shutdownTimeout * 1000);
        stopped.then(() => clearTimeout(t), () => clearTimeout(t));
      });
      await Promise.race([stopped, timeout]);
      await site.close();
    })();

  return {
    url: formatUrl(addr, tls !== null),
    port: "port" in addr ? addr.port : 0,
    shutdown,
  };
}
