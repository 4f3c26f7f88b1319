// Local servers the tests and the bench start and stop themselves: Debian's nginx and
// redis-server on free ports of 127.0.0.1. Nothing here imports modts.
import { join } from "node:path";

/** A free TCP port on 127.0.0.1 (free when asked; the caller binds it right after). */
export function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

/** Debian's nginx binary (not on a plain user's PATH); throws when it is not installed. */
export function nginxBinary(): string {
  const found = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  });
  if (!found) throw new Error("nginx is not installed: apt-get install -y nginx");
  return found;
}

/** Resolves once something accepts connections on `port` (within 5 s, else throws). */
export async function untilListening(port: number, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const up = await Deno.connect({ hostname: "127.0.0.1", port }).then((c) => {
      c.close();
      return true;
    }, () => false);
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen on ${port}`);
}

/** Debian's nginx (`.ci/run` installs it) running `http` (the inside of its http block). */
export interface Nginx {
  /** The 127.0.0.1 port it listens on (to be used as `listen 127.0.0.1:PORT` in `http`). */
  port: number;
  stop(): Promise<void>;
}

/** Starts nginx in `dir` with `http(port)` as its http block; resolves once it accepts. */
export async function startNginx(dir: string, http: (port: number) => string): Promise<Nginx> {
  const nginx = nginxBinary();
  const port = freePort();
  const conf = join(dir, "nginx.conf");
  const tmp = (name: string) => `${name} ${join(dir, name)};`;
  await Deno.writeTextFile(
    conf,
    `user root; pid ${join(dir, "nginx.pid")}; error_log ${join(dir, "error.log")};
events {}
http {
  access_log off;
  ${tmp("client_body_temp_path")} ${tmp("proxy_temp_path")}
  ${http(port)}
}
`,
  );
  const child = new Deno.Command(nginx, {
    args: ["-c", conf, "-g", "daemon off;"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await untilListening(port, "nginx");
  return {
    port,
    async stop() {
      child.kill("SIGQUIT");
      await child.status;
    },
  };
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * Debian's redis-server (`.ci/run` installs it) on a free port, with an append-only file in
 * `dir` (a temp dir by default; what it holds survives `stop()` and `start()`).
 */
export async function startRedis(
  dir?: string,
): Promise<RedisServer> {
  dir ??= await Deno.makeTempDir({ prefix: "modts-redis-" });
  const port = freePort();
  let child: Deno.ChildProcess | undefined;
  const start = async () => {
    child = new Deno.Command("redis-server", {
      args: [
        ...["--port", String(port), "--bind", "127.0.0.1", "--dir", dir],
        ...["--save", "", "--appendonly", "yes"],
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    await untilListening(port, "redis-server");
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    start,
    async stop() {
      child?.kill("SIGTERM"); // the append-only file is flushed on a clean stop
      await child?.status;
    },
  };
}
