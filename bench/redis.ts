// A redis-server for the bench's Redis rows (Debian's package), on a free port, in `dir`,
// with persistence as sessions want it (append-only file, fsync every second).

export interface BenchRedis {
  port: number;
  stop(): Promise<void>;
}

export async function startRedis(dir: string): Promise<BenchRedis> {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const child = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""]
      .concat(["--appendonly", "yes", "--appendfsync", "everysec"]),
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  for (let i = 0;; i++) {
    const up = await Deno.connect({ hostname: "127.0.0.1", port }).then((c) => {
      c.close();
      return true;
    }, () => false);
    if (up) break;
    if (i === 100) throw new Error("redis-server did not start (apt-get install -y redis-server)");
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}
