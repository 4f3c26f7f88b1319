// Sessions in Redis (issue 15): the same session semantics as on KV, across processes, and
// through Redis going away and coming back. Each test runs its own redis-server (Debian's
// package; .ci/run installs it) on a free port, and stops it by PID.
import assert from "node:assert/strict";
import { join } from "node:path";
import { serveRoot, SESSION_COUNTER, spawnServer, tempTree } from "./helpers.ts";
import { startNginx, startRedis } from "./local_servers.ts";

const SITE = {
  "c.ts": `import type { Req } from "modts";
${SESSION_COUNTER}
export async function regenerate(req: Req) {
  const s = await req.session();
  await s.regenerate();
  return String(s.data.n);
}
export async function bye(req: Req) {
  await (await req.session()).invalidate();
  return "bye";
}
export async function big(req: Req) {
  const s = await req.session();
  s.data.big = "x".repeat(70 * 1024);
  await s.save();
  return "saved";
}`,
  "hello.txt": "static",
};

Deno.test("sessions in Redis: locking, regenerate, invalidate, the size limit", async () => {
  const server = await startRedis();
  const root = await tempTree(SITE);
  try {
    await using s = await serveRoot(root, { kv: server.url });
    const first = await s.fetch("/c");
    assert.equal(await first.text(), "1");
    let cookie = first.headers.get("set-cookie")!.split(";")[0];
    // One session's requests one at a time: 100 at once end at exactly 101.
    await Promise.all(
      Array.from(
        { length: 100 },
        () => s.fetch("/c", { headers: { cookie } }).then((r) => r.text()),
      ),
    );
    assert.equal(await (await s.fetch("/c", { headers: { cookie } })).text(), "102");
    // A new id, the same data; the old id is no session any more.
    const moved = await s.fetch("/c/regenerate", { headers: { cookie } });
    assert.equal(await moved.text(), "102");
    const old = cookie;
    cookie = moved.headers.get("set-cookie")!.split(";")[0];
    assert.notEqual(cookie, old);
    assert.equal(await (await s.fetch("/c", { headers: { cookie: old } })).text(), "1");
    assert.equal(await (await s.fetch("/c", { headers: { cookie } })).text(), "103");
    // Over the size limit: refused, the data stays.
    const big = await s.fetch("/c/big", { headers: { cookie } });
    assert.equal(big.status, 500);
    await big.body?.cancel();
    assert.equal(await (await s.fetch("/c", { headers: { cookie } })).text(), "104");
    assert.equal(await (await s.fetch("/c/bye", { headers: { cookie } })).text(), "bye");
    assert.equal(await (await s.fetch("/c", { headers: { cookie } })).text(), "1");
  } finally {
    await server.stop();
  }
});

Deno.test("sessions in Redis: two processes, 200 concurrent increments of one session end at 200", async () => {
  const server = await startRedis();
  const root = await tempTree(Object.fromEntries(
    Object.entries(SITE).map(([name, text]) => [`public/${name}`, text]),
  ));
  const args = [join(root, "public"), "--port", "0", "--kv", server.url];
  const a = await spawnServer(args);
  const b = await spawnServer(args);
  try {
    const first = await fetch(`${a.url}c`);
    const cookie = first.headers.get("set-cookie")!.split(";")[0];
    assert.equal(await first.text(), "1");
    await Promise.all(
      Array.from(
        { length: 200 },
        (_, i) => fetch(`${i % 2 ? a.url : b.url}c`, { headers: { cookie } }).then((r) => r.text()),
      ),
    );
    assert.equal(await (await fetch(`${b.url}c`, { headers: { cookie } })).text(), "202");
  } finally {
    assert.equal(await a.stop(), 0);
    assert.equal(await b.stop(), 0);
    await server.stop();
  }
});

Deno.test("sessions in Redis: while it is down, clear 500s and the rest serves; then it works again", async () => {
  const server = await startRedis();
  const root = await tempTree(SITE);
  await using s = await serveRoot(root, { kv: server.url });
  try {
    const first = await s.fetch("/c");
    const cookie = first.headers.get("set-cookie")!.split(";")[0];
    assert.equal(await first.text(), "1");
    assert.equal(await (await s.fetch("/c", { headers: { cookie } })).text(), "2");
    await server.stop();
    for (let i = 0; i < 3; i++) {
      const down = await s.fetch("/c", { headers: { cookie } });
      assert.equal(down.status, 500);
      assert.match(await down.text(), /The session store is unavailable\./);
    }
    assert.equal(await (await s.fetch("/hello.txt")).text(), "static");
    assert.equal(
      s.logs.filter((l) => l.includes("Redis is unreachable")).length,
      1,
      s.logs.join("\n"),
    );
    await server.start();
    // No restart of modts: once the client has reconnected, the session is where it was.
    let body = "";
    for (let i = 0; i < 100 && body !== "3"; i++) {
      const res = await s.fetch("/c", { headers: { cookie } });
      body = await res.text();
      if (res.status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(body, "3");
  } finally {
    await server.stop();
  }
});

Deno.test("sessions in Redis: a process killed while holding a session's lock is taken over within the lease", async () => {
  const server = await startRedis();
  const root = await tempTree({
    "public/c.ts": `import type { Req } from "modts";
${SESSION_COUNTER}
export async function hold(req: Req) {
  const s = await req.session();
  console.log("holding the lock");
  await new Promise((r) => setTimeout(r, 60_000));
  return String(s.data.n);
}`,
  });
  const args = [join(root, "public"), "--port", "0", "--kv", server.url];
  const a = await spawnServer(args);
  const b = await spawnServer(args);
  try {
    const first = await fetch(`${b.url}c`);
    const cookie = first.headers.get("set-cookie")!.split(";")[0];
    assert.equal(await first.text(), "1");
    const held = fetch(`${a.url}c/hold`, { headers: { cookie } }).catch(() => null);
    await a.waitFor(/holding the lock/);
    a.child.kill("SIGKILL");
    await a.status;
    await held;
    const started = performance.now();
    assert.equal(await (await fetch(`${b.url}c`, { headers: { cookie } })).text(), "2");
    const waited = performance.now() - started;
    // The lease is 10 s, renewed while held: the other process waits at most that long.
    assert.ok(waited < 12_000, `took over after ${waited} ms`);
  } finally {
    assert.equal(await b.stop(), 0);
    await server.stop();
  }
});

Deno.test("sessions in Redis behind nginx round-robin: one consistent session, the client's own address", async () => {
  const server = await startRedis();
  const root = await tempTree({
    "public/c.ts": `import type { Req } from "modts";
${SESSION_COUNTER}
export const who = (req: Req) => \`\${Deno.pid} \${req.remoteAddr}\`;`,
  });
  // nginx reaches modts from 127.0.0.2 (proxy_bind), the client comes from 127.0.0.1: only the
  // proxy is trusted, as on a real network.
  const args = [join(root, "public"), "--port", "0", "--kv", server.url];
  args.push("--trust-proxy", "127.0.0.2");
  const a = await spawnServer(args);
  const b = await spawnServer(args);
  const proxy = await startNginx(root, (port) => `
    upstream modts { server 127.0.0.1:${a.port}; server 127.0.0.1:${b.port}; }
    server {
      listen 127.0.0.1:${port};
      location / {
        proxy_pass http://modts;
        proxy_bind 127.0.0.2;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header Forwarded "";
      }
    }`);
  const base = `http://127.0.0.1:${proxy.port}/`;
  try {
    // Both processes answer through nginx, and see the client, not nginx, as the peer.
    const who = await Promise.all(
      Array.from(
        { length: 8 },
        () =>
          fetch(`${base}c/who`, { headers: { "x-forwarded-for": "198.51.100.7" } }).then((r) =>
            r.text()
          ),
      ),
    );
    assert.equal(new Set(who.map((w) => w.split(" ")[0])).size, 2, who.join("; "));
    // The client's own made-up hop is not believed: nginx's view of it (127.0.0.1) is.
    assert.deepEqual(
      new Set(who.map((w) => w.split(" ")[1])),
      new Set(["127.0.0.1"]),
      who.join("; "),
    );
    // Signing in and counting, one request after another, alternately on each process.
    const first = await fetch(`${base}c`);
    const cookie = first.headers.get("set-cookie")!.split(";")[0];
    const counts = [await first.text()];
    for (let i = 0; i < 19; i++) {
      counts.push(await (await fetch(`${base}c`, { headers: { cookie } })).text());
    }
    assert.deepEqual(counts, Array.from({ length: 20 }, (_, i) => String(i + 1)));
  } finally {
    await proxy.stop();
    assert.equal(await a.stop(), 0);
    assert.equal(await b.stop(), 0);
    await server.stop();
  }
});

Deno.test("sessions in Redis: restarted under load, no acknowledged increment is lost", async () => {
  const server = await startRedis();
  const root = await tempTree({ "c.ts": `import type { Req } from "modts";\n${SESSION_COUNTER}` });
  await using s = await serveRoot(root, { kv: server.url });
  const first = await s.fetch("/c");
  const cookie = first.headers.get("set-cookie")!.split(";")[0];
  let acknowledged = Number(await first.text());
  let failed = 0;
  let stop = false;
  // Four clients counting as fast as they can, for the whole run.
  const clients = Array.from({ length: 4 }, async () => {
    while (!stop) {
      const res = await s.fetch("/c", { headers: { cookie } });
      const body = await res.text();
      if (res.status === 200) acknowledged = Math.max(acknowledged, Number(body));
      else {
        failed++;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });
  const countBefore = async (n: number) => {
    while (acknowledged < n) await new Promise((r) => setTimeout(r, 10));
  };
  try {
    await countBefore(50);
    await server.stop();
    await server.start();
    const at = acknowledged;
    await countBefore(at + 50); // counting again, without restarting modts
    stop = true;
    await Promise.all(clients);
    const last = Number(await (await s.fetch("/c", { headers: { cookie } })).text());
    // Every answer that said "n" was stored: the next count comes after the highest one (a
    // write Redis made just as it stopped, whose answer was lost, may come between).
    assert.ok(
      last > acknowledged && last <= acknowledged + 1 + failed,
      `${last} after ${acknowledged}`,
    );
    assert.ok(failed > 0, "no request met Redis down: the test proved nothing");
  } finally {
    stop = true;
    await server.stop();
  }
});
