// What a careless module, a hostile client or a damaged file must not do to the server: end
// it, stall it, or make it leak (issue 11). Each test fails on the server before its fix.
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type RawResponse,
  readRawResponse,
  runCli,
  serveRoot,
  spawnServer,
  tempTree,
} from "./helpers.ts";

Deno.test("a forgotten await or a throw in a timer is logged with its module; the server lives on", async () => {
  const root = await tempTree({
    "public/m.ts":
      `export function forgot() { Promise.reject(new Error("nobody awaits me")); return "answered"; }
export function timer() { setTimeout(() => { throw new Error("thrown in a timer"); }, 0); return "answered"; }
`,
  });
  const server = await spawnServer([
    join(root, "public"),
    "--port",
    "0",
    "--kv",
    ":memory:",
    "--data-dir",
    join(root, "data"),
  ]);
  try {
    const first = await fetch(`${server.url}m/forgot`);
    assert.equal(await first.text(), "answered");
    await server.waitFor(/unhandled rejection in \/m\.ts:1: Error: nobody awaits me/);
    const timer = await fetch(`${server.url}m/timer`);
    assert.equal(await timer.text(), "answered");
    await server.waitFor(/uncaught exception in \/m\.ts:2: Error: thrown in a timer/);
    const again = await fetch(`${server.url}m/forgot`);
    assert.equal(again.status, 200);
    assert.equal(await again.text(), "answered");
  } finally {
    assert.equal(await server.stop(), 0, server.output());
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("--request-timeout: a handler still running gets a 503; its session lock and clean-ups do not wait", async () => {
  const root = await tempTree({
    "_directory.ts": "export const config = { requestTimeout: 0.3 };",
    "count.ts": `import type { Req } from "modts";
export async function index(req: Req) {
  const s = await req.session();
  s.data.n = Number(s.data.n ?? 0) + 1;
  return String(s.data.n);
}`,
    "slow.ts": `import type { Req } from "modts";
export const cleaned: string[] = [];
export async function index(req: Req) {
  req.registerCleanup(() => { cleaned.push("done"); });
  await req.session();
  await new Promise((r) => setTimeout(r, 4000));
  return "late";
}
export function cleanups() { return cleaned.join(","); }`,
    "fast/_directory.ts": "export const config = { requestTimeout: 0 };",
    "fast/wait.ts": `export async function index() {
  await new Promise((r) => setTimeout(r, 500));
  return "no limit here";
}`,
  });
  await using s = await serveRoot(root);
  const first = await s.fetch("/count");
  assert.equal(await first.text(), "1");
  const cookie = first.headers.get("set-cookie")!.split(";")[0];

  const started = performance.now();
  const slow = await s.fetch("/slow", { headers: { cookie } });
  assert.equal(slow.status, 503);
  assert.match(await slow.text(), /The request took longer than 0\.3 seconds\./);
  // The session's lock was released at the 503, not when the handler ends (4 s).
  const next = await s.fetch("/count", { headers: { cookie } });
  assert.equal(await next.text(), "2");
  assert.ok(performance.now() - started < 2500, `took ${performance.now() - started} ms`);
  assert.equal(await (await s.fetch("/slow/cleanups")).text(), "done");
  // 0 in a directory's config: no limit.
  assert.equal(await (await s.fetch("/fast/wait")).text(), "no limit here");
});

/** Open descriptors of this process (the in-process server's among them). */
function openFds(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

Deno.test("D1: a multipart body that fails mid-way leaves no descriptor open", async () => {
  const root = await tempTree({
    "up.ts": `import type { Upload } from "modts";
export function index(a?: string, f?: Upload) { return f ? f.filename : "none"; }`,
  });
  await using s = await serveRoot(root);
  // A bad header in the first part, then a file part cut short by the end of the body.
  const body = [
    "--B",
    'Content-Disposition: form-data; name="a"',
    "Bad header line",
    "",
    "x",
    "--B",
    'Content-Disposition: form-data; name="f"; filename="x.txt"',
    "Content-Type: text/plain",
    "",
    "partial file content ".repeat(50),
  ].join("\r\n");
  const send = async () => {
    const res = await s.fetch("/up", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=B" },
      body,
    });
    await res.body?.cancel();
    return res.status;
  };
  assert.equal(await send(), 400);
  const before = openFds();
  for (let i = 0; i < 200; i++) assert.equal(await send(), 400);
  const grown = openFds() - before;
  assert.ok(grown < 20, `${grown} more descriptors after 200 failed uploads`);
});

/**
 * After an answer that says `Connection: close`, the server closes the socket promptly;
 * otherwise the connection serves the next request. Either way nothing hangs.
 */
async function assertConnectionFreed(conn: Deno.Conn, answer: RawResponse, port: number) {
  if (answer.headers.connection === "close") {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const closed = conn.read(new Uint8Array(1024)).catch(() => null);
    const late = new Promise<"open">((r) => timer = setTimeout(() => r("open"), 3000));
    const first = await Promise.race([closed, late]);
    clearTimeout(timer);
    assert.equal(first, null, "socket still open 3 s after Connection: close");
  } else {
    await conn.write(encoder.encode(`GET /missing HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    assert.equal((await readRawResponse(conn, true)).status, 404);
  }
  conn.close();
}

const encoder = new TextEncoder();

Deno.test("D5: an early answer to an unread body frees the connection", async () => {
  const root = await tempTree({ "up.ts": "export function index(a?: string) { return a; }" });
  await using s = await serveRoot(root);
  const body = "x".repeat(4096);
  for (
    const [type, path, status] of [
      ["multipart/form-data", "/up", 400], // no boundary
      ["text/plain", "/nothing/here", 404],
    ] as const
  ) {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
    await conn.write(encoder.encode(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body}`,
    ));
    const answer = await readRawResponse(conn, true);
    assert.equal(answer.status, status);
    await assertConnectionFreed(conn, answer, s.port);
  }
});

Deno.test("D4: --max-body-size bounds every body: a mounted app's, req.raw's", async () => {
  const root = await tempTree({
    "app/_directory.ts": `export default {
  fetch: async (req: Request) => new Response(String((await req.arrayBuffer()).byteLength)),
};`,
    "raw.ts": `import type { Req } from "modts";
export async function index(req: Req) { return String((await req.raw.arrayBuffer()).byteLength); }`,
  });
  await using s = await serveRoot(root, { maxBodySize: 1024 });
  const chunked = (size: number) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        for (let sent = 0; sent < size; sent += 512) c.enqueue(new Uint8Array(512));
        c.close();
      },
    });
  for (const path of ["/app/x", "/raw"]) {
    const small = await s.fetch(path, { method: "POST", body: new Uint8Array(1000) });
    assert.equal(await small.text(), "1000", path);
    const declared = await s.fetch(path, { method: "POST", body: new Uint8Array(200_000) });
    assert.equal(declared.status, 413, `${path} with Content-Length`);
    await declared.body?.cancel();
    const streamed = await s.fetch(path, { method: "POST", body: chunked(200_000) });
    assert.equal(streamed.status, 413, `${path} chunked`);
    await streamed.body?.cancel();
  }
});

/** Whether this process may mount a small tmpfs (root on Linux), for a disk that fills up. */
function canMount(): boolean {
  if (Deno.build.os !== "linux" || Deno.uid() !== 0) return false;
  const dir = Deno.makeTempDirSync();
  const ok = new Deno.Command("mount", { args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir] })
    .outputSync().success;
  if (ok) new Deno.Command("umount", { args: [dir] }).outputSync();
  Deno.removeSync(dir);
  return ok;
}

Deno.test({
  name: "D8: a full disk during an upload is a logged 500, and the server goes on",
  ignore: !canMount(),
  async fn() {
    const root = await tempTree({
      "up.ts": `import type { Upload } from "modts";
export function index(f?: Upload) { return f ? String(f.size) : "none"; }`,
    });
    const disk = await Deno.makeTempDir();
    const mount = (args: string[]) => new Deno.Command(args[0], { args: args.slice(1) }).output();
    assert.ok((await mount(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", disk])).success);
    try {
      await using s = await serveRoot(root, { dataDir: disk });
      const upload = (size: number) => {
        const form = new FormData();
        form.set("f", new File([new Uint8Array(size)], "big.bin"));
        return s.fetch("/up", { method: "POST", body: form });
      };
      const full = await upload(1024 * 1024);
      assert.equal(full.status, 500);
      await full.body?.cancel();
      assert.ok(
        s.logs.some((l) => /storing an upload failed: .*No space left on device/.test(l)),
        s.logs.join("\n"),
      );
      const small = await upload(1000);
      assert.equal(await small.text(), "1000");
    } finally {
      // Lazily: a write the full disk failed may still hold its file for a moment after the
      // file is closed (Deno closes a descriptor once its last operation ends).
      await mount(["umount", "-l", disk]);
      await Deno.remove(disk, { recursive: true });
    }
  },
});

Deno.test("upload directories left by a killed process are removed at the next start", async () => {
  const root = await tempTree({ "a.txt": "a" });
  const dataDir = await tempTree({
    "uploads-999999999-abc/left.bin": "x", // no such process
    "uploads-old/left.bin": "x", // a name without a PID: from before PIDs were recorded
    [`uploads-${Deno.pid}-live/mine.bin`]: "x", // this process's: alive
    "uploads.txt": "not a directory of modts's",
  });
  {
    await using s = await serveRoot(root, { dataDir });
    const names = [...Deno.readDirSync(dataDir)].map((e) => e.name);
    assert.ok(!names.includes("uploads-999999999-abc") && !names.includes("uploads-old"));
    assert.ok(names.includes(`uploads-${Deno.pid}-live`) && names.includes("uploads.txt"));
    // The live one, and the server's own.
    assert.equal(names.filter((n) => n.startsWith(`uploads-${Deno.pid}-`)).length, 2);
    assert.ok(s.logs.some((l) => l.includes("removed uploads-999999999-abc")), s.logs.join());
  }
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("--kv with a URL scheme modts does not serve is a one-line error", async () => {
  const cwd = await Deno.makeTempDir();
  const root = await tempTree({ "a.txt": "a" });
  const out = await runCli(["serve", root, "--kv", "memcached://127.0.0.1:11211/"], { cwd });
  assert.equal(out.code, 2);
  assert.match(out.stderr, /^modts serve: .*--kv: memcached: is not a store modts supports/);
  assert.equal(out.stderr.trim().split("\n").length, 1);
  assert.deepEqual([...Deno.readDirSync(cwd)], []);
  await Deno.remove(cwd, { recursive: true });
  await Deno.remove(root, { recursive: true });
});

Deno.test("D9, D10, one Set-Cookie: redirects encode their target, page text is kept byte for byte", async () => {
  const root = await tempTree({
    "r.ts": `import type { Req } from "modts";
export function away(req: Req) { return req.redirect("/привет?q=é b"); }
export function nul(req: Req) { return req.redirect("/a\\u0000b"); }
export async function session(req: Req) {
  const s = await req.session();
  s.data.x = 1;
  return req.redirect("/next");
}
export async function fresh(req: Req) {
  const s = await req.session();
  await s.regenerate();
  s.data.user = "ann";
  return req.render("p.psp", {});
}`,
    "p.psp": "a\uE000b\r\nc\rd\n",
  });
  await using s = await serveRoot(root);
  const away = await s.fetch("/r/away", { redirect: "manual" });
  assert.equal(away.status, 302);
  assert.equal(away.headers.get("location"), "/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82?q=%C3%A9%20b");
  await away.body?.cancel();
  const nul = await s.fetch("/r/nul", { redirect: "manual" });
  assert.equal(nul.status, 400);
  await nul.body?.cancel();

  const session = await s.fetch("/r/session", { redirect: "manual" });
  assert.equal(session.headers.getSetCookie().length, 1, session.headers.getSetCookie().join());
  await session.body?.cancel();
  const fresh = await s.fetch("/r/fresh");
  assert.equal(fresh.headers.getSetCookie().length, 1, fresh.headers.getSetCookie().join());
  assert.deepEqual(
    new Uint8Array(await fresh.arrayBuffer()),
    new TextEncoder().encode("a\uE000b\r\nc\rd\n"),
  );
});

Deno.test("a session is stored, and its cookie sent, only once it holds data", async () => {
  const root = await tempTree({
    "s.ts": `import type { Req } from "modts";
export async function peek(req: Req) { return (await req.session()).isNew ? "new" : "old"; }
export async function keep(req: Req) { (await req.session()).data.kept = true; return "kept"; }
export async function save(req: Req) { await (await req.session()).save(); return "saved"; }`,
  });
  const dataDir = await Deno.makeTempDir();
  const kv = join(dataDir, "kv.sqlite3");
  {
    await using s = await serveRoot(root, { dataDir, kv });
    for (let i = 0; i < 50; i++) {
      const bogus = `sid=${i.toString(16).padStart(32, "0")}`;
      const res = await s.fetch("/s/peek", { headers: { cookie: bogus } });
      assert.equal(await res.text(), "new");
      assert.equal(res.headers.get("set-cookie"), null);
    }
    for (const path of ["/s/keep", "/s/save"]) {
      const res = await s.fetch(path);
      await res.body?.cancel();
      assert.match(res.headers.get("set-cookie") ?? "", /^sid=[0-9a-f]{32};/);
    }
  }
  using store = await Deno.openKv(kv);
  const records = await Array.fromAsync(store.list({ prefix: ["modts-session"] }));
  assert.equal(records.length, 2);
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("D11: nosniff on every response; a directory adds or removes default headers", async () => {
  const root = await tempTree({
    "a.txt": "static",
    "m.ts": `import type { Req } from "modts";
export const text = () => "text";
export const own = () => Response.json({ a: 1 }, { headers: { "x-content-type-options": "mine" } });
export function set(req: Req) { req.headersOut.set("x-frame-options", "SAMEORIGIN"); return "set"; }`,
    "app/_directory.ts": "export default { fetch: () => new Response('app') };",
    "open/_directory.ts": `export const config = {
  headers: { "X-Frame-Options": "DENY", "x-content-type-options": null },
};`,
    "open/b.txt": "b",
    "open/m.ts": `import type { Req } from "modts";
export function set(req: Req) { req.headersOut.set("x-frame-options", "SAMEORIGIN"); return "set"; }`,
  });
  await using s = await serveRoot(root);
  const headers = async (path: string) => {
    const res = await s.fetch(path);
    await res.body?.cancel();
    return [res.headers.get("x-content-type-options"), res.headers.get("x-frame-options")];
  };
  for (const path of ["/a.txt", "/m/text", "/app/x", "/missing"]) {
    assert.deepEqual(await headers(path), ["nosniff", null], path);
  }
  assert.deepEqual(await headers("/m/own"), ["mine", null]);
  assert.deepEqual(await headers("/m/set"), ["nosniff", "SAMEORIGIN"]);
  assert.deepEqual(await headers("/open/b.txt"), [null, "DENY"]);
  assert.deepEqual(await headers("/open/m/set"), [null, "SAMEORIGIN"]);
});

/** A KV file holding `n` records (some expiring soon, as sessions do), then closed. */
async function kvWith(path: string, n: number): Promise<void> {
  const kv = await Deno.openKv(path);
  for (let i = 0; i < n; i += 100) {
    const batch = kv.atomic();
    for (let j = i; j < i + 100; j++) {
      batch.set(["modts-session", String(j).padStart(32, "0")], { data: "x".repeat(200) }, {
        expireIn: j % 2 ? 1000 : 3_600_000,
      });
    }
    await batch.commit();
  }
  kv.close();
}

Deno.test("D3: a damaged session store: one log line, 500s for sessions, the rest serves on", async () => {
  const root = await tempTree({
    "a.txt": "static",
    "s.ts": `import type { Req } from "modts";
export async function index(req: Req) { (await req.session()).data.n = 1; return "session"; }`,
  });
  const dataDir = await Deno.makeTempDir();
  const kv = join(dataDir, "kv.sqlite3");
  await kvWith(kv, 3000);
  // Garbage over a page in the middle: Deno opens this, and its expiry sweep panics later.
  const { size } = await Deno.stat(kv);
  using file = await Deno.open(kv, { write: true });
  await file.seek(Math.floor(size / 2 / 4096) * 4096, Deno.SeekMode.Start);
  await file.write(new Uint8Array(4096).fill(0xab));
  const server = await spawnServer([root, "--port", "0", "--data-dir", dataDir, "--kv", kv]);
  try {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}s`);
      assert.equal(res.status, 500);
      assert.match(await res.text(), /The session store is unavailable\./);
    }
    assert.equal(await (await fetch(`${server.url}a.txt`)).text(), "static");
    const damaged = server.output().split("\n").filter((l) => l.includes("is damaged"));
    assert.equal(damaged.length, 1, server.output());
    assert.match(
      damaged[0],
      /session store .*kv\.sqlite3 is damaged \(.+\): session requests get 500/,
    );
  } finally {
    assert.equal(await server.stop(), 0, server.output());
  }

  // Truncated to nothing: said loudly, and sessions start again.
  await Deno.truncate(kv, 0);
  await Deno.remove(`${kv}-wal`).catch(() => {});
  await Deno.remove(`${kv}-shm`).catch(() => {});
  const again = await spawnServer([root, "--port", "0", "--data-dir", dataDir, "--kv", kv]);
  try {
    assert.equal(await (await fetch(`${again.url}s`)).text(), "session");
    assert.match(
      again.output(),
      /session store .*kv\.sqlite3 is EMPTY \(0 bytes\): it was truncated/,
    );
  } finally {
    assert.equal(await again.stop(), 0, again.output());
    await Deno.remove(dataDir, { recursive: true });
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("D6: a shutdown that runs out of time drops the session leases it held", async () => {
  const root = await tempTree({
    "s.ts": `import type { Req } from "modts";
export async function start(req: Req) { (await req.session()).data.n = 1; return "started"; }
export async function hold(req: Req) {
  await req.session();
  req.write("holding\\n");
  await req.flush();
  await new Promise((r) => setTimeout(r, 30_000));
  return "";
}`,
  });
  const dataDir = await Deno.makeTempDir();
  const args = [root, "--port", "0", "--data-dir", dataDir, "--shutdown-timeout", "0.3"];
  const first = await spawnServer(args);
  let cookie = "";
  try {
    const started = await fetch(`${first.url}s/start`);
    assert.equal(await started.text(), "started");
    cookie = started.headers.get("set-cookie")!.split(";")[0];
    const held = await fetch(`${first.url}s/hold`, { headers: { cookie } });
    const reader = held.body!.getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), "holding\n");
    // The lease is held now; the shutdown waits 0.3 s for the request, then exits.
    assert.equal(await first.stop(), 0);
    await reader.cancel().catch(() => {});
  } finally {
    await first.stop();
  }
  const second = await spawnServer(args);
  try {
    const before = performance.now();
    const res = await fetch(`${second.url}s/start`, { headers: { cookie } });
    assert.equal(await res.text(), "started");
    assert.equal(res.headers.get("set-cookie"), null, "the same session, not a new one");
    const waited = performance.now() - before;
    assert.ok(waited < 2000, `waited ${waited} ms for a lease the first process held`);
  } finally {
    await second.stop();
    await Deno.remove(dataDir, { recursive: true });
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("D12: answers sent while shutting down say Connection: close", async () => {
  const root = await tempTree({
    "slow.ts": `export async function index() {
  (globalThis as { slowStarted?: () => void }).slowStarted?.();
  await new Promise((r) => setTimeout(r, 300));
  return "slow";
}`,
  });
  const started = Promise.withResolvers<void>();
  (globalThis as { slowStarted?: () => void }).slowStarted = started.resolve;
  const s = await serveRoot(root);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
  const ask = (path: string) =>
    conn.write(encoder.encode(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`));
  await ask("/missing");
  const before = await readRawResponse(conn, true);
  assert.equal(before.status, 404);
  assert.notEqual(before.headers.connection, "close");
  await ask("/slow");
  await started.promise; // in flight: the shutdown lets it finish
  const shutdown = s.shutdown();
  const during = await readRawResponse(conn, true);
  assert.equal(during.status, 200);
  assert.equal(during.body, "slow");
  assert.equal(during.headers.connection, "close");
  conn.close();
  await shutdown;
  delete (globalThis as { slowStarted?: () => void }).slowStarted;
});

Deno.test("access log: WebSockets keep the listener; real bytes and protocol are logged", async () => {
  const root = await tempTree({
    "ws.ts": `import type { Req } from "modts";
export function index(req: Req) {
  const { socket, response } = Deno.upgradeWebSocket(req.raw);
  socket.onmessage = (e) => socket.send("echo " + e.data);
  return response;
}`,
    "text.ts": `import type { Req } from "modts";
export const index = () => "twelve bytes";
export async function* stream() { yield "abc"; yield "de"; }`,
  });
  const dataDir = await Deno.makeTempDir();
  const log = join(dataDir, "access.log");
  {
    await using s = await serveRoot(root, { dataDir, accessLog: log, websockets: true });
    const ws = new WebSocket(`${s.url.replace("http", "ws")}ws`);
    const echoed = new Promise<string>((resolve) => ws.onmessage = (e) => resolve(e.data));
    const opened = await Promise.race([
      new Promise((resolve) => ws.onopen = () => resolve("open")),
      new Promise((resolve) => ws.onerror = () => resolve("failed")),
    ]);
    assert.equal(opened, "open");
    ws.send("hi");
    assert.equal(await echoed, "echo hi");
    const closed = new Promise((resolve) => ws.onclose = resolve);
    ws.close();
    await closed;
    assert.equal(await (await s.fetch("/text")).text(), "twelve bytes");
    assert.equal(await (await s.fetch("/text/stream")).text(), "abcde");
  }
  const lines = (await Deno.readTextFile(log)).trim().split("\n");
  const fields = lines.map((l) => /"(\S+) (\S+) (\S+)" (\d+) (\S+)/.exec(l)!.slice(1));
  assert.deepEqual(fields, [
    ["GET", "/ws", "HTTP/1.1", "101", "-"],
    ["GET", "/text", "HTTP/1.1", "200", "12"],
    ["GET", "/text/stream", "HTTP/1.1", "200", "5"],
  ]);
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("compress: a streamed answer reaches the client chunk by chunk, compressed", async () => {
  const root = await tempTree({
    "_directory.ts": "export const config = { compress: true };",
    "events.ts": `import type { Req } from "modts";
export async function* index(req: Req) {
  req.contentType = "text/event-stream";
  for (let i = 1; i <= 4; i++) {
    yield \`data: event \${i}\\n\\n\`;
    await new Promise((r) => setTimeout(r, 250));
  }
}`,
  });
  await using s = await serveRoot(root);
  const started = performance.now();
  const res = await s.fetch("/events", { headers: { "accept-encoding": "gzip" } });
  assert.equal(res.headers.get("content-encoding"), "gzip");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const first = await reader.read();
  const firstAt = performance.now() - started;
  assert.equal(first.value, "data: event 1\n\n");
  // The whole stream takes a second; the first event arrives while it runs.
  assert.ok(firstAt < 600, `the first event came after ${firstAt} ms`);
  let rest = "";
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
  assert.equal(rest, "data: event 2\n\ndata: event 3\n\ndata: event 4\n\n");
});

Deno.test("D7: a module being written in place serves its last good version until the edit settles", async () => {
  const root = await tempTree({
    "m.ts": `export const index = () => "v1";`,
    "p.psp": "page v1",
  });
  await using s = await serveRoot(root, { fsTtl: 0 });
  const get = async (path: string) => {
    const res = await s.fetch(path);
    const text = await res.text();
    return res.status === 200 ? text : String(res.status);
  };
  const write = (file: string, text: string) => Deno.writeTextFile(join(root, file), text);
  assert.equal(await get("/m"), "v1");
  // Truncated, then half written: the edit is under way, v1 still answers.
  await write("m.ts", "");
  assert.equal(await get("/m"), "v1");
  await write("m.ts", `export const index = () => "v2" +`);
  assert.equal(await get("/m"), "v1");
  await write("m.ts", `export const index = () => "v2";`);
  assert.equal(await get("/m"), "v2");
  // A mistake that stays: shown once the file has been still for a second.
  await write("m.ts", `export const index = () => "v3" +`);
  assert.equal(await get("/m"), "v2");
  await new Promise((r) => setTimeout(r, 1100)); // the time an edit takes to count as settled
  assert.equal(await get("/m"), "500");
  // And fixing it is seen at once (a failed compile used to stick until restart).
  await write("m.ts", `export const index = () => "v4";`);
  assert.equal(await get("/m"), "v4");
  await write("p.psp", "page <%= 1 + %>");
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(await get("/p.psp"), "500");
  await write("p.psp", "page <%= 2 %>");
  assert.equal(await get("/p.psp"), "page 2");
});

Deno.test("error documents: in a private folder, with the original request and the error", async () => {
  const root = await tempTree({
    "_directory.ts": `export const config = {
  errorDocuments: { 404: "/_errors/404.psp", 403: "/_errors/denied.ts", 500: "/_errors/gone.psp" },
};`,
    "_errors/404.psp":
      "<p>No <%= req.path %> (<%= req.status %>): <%= req.error.message %>, <%= req.url.search %></p>",
    "_errors/denied.ts": `import type { Req } from "modts";
export const index = (req: Req) => \`\${req.error?.status} \${req.error?.message} at \${req.url.pathname}\`;`,
    "members.ts": `import { HttpError } from "modts";
export function index() { throw new HttpError(403, "members only"); }`,
    "crash.ts": "export function index() { throw new Error('secret detail'); }",
  });
  await using s = await serveRoot(root);
  const missing = await s.fetch("/no/such/thing?x=1");
  assert.equal(missing.status, 404);
  assert.equal(await missing.text(), "<p>No /no/such/thing (404): Not Found, ?x=1</p>");
  const denied = await s.fetch("/members");
  assert.equal(denied.status, 403);
  assert.equal(await denied.text(), "403 members only at /members");
  // The 500 document is missing: the plain page, and a line saying why.
  const crash = await s.fetch("/crash");
  assert.equal(crash.status, 500);
  assert.doesNotMatch(await crash.text(), /secret detail/);
  assert.ok(
    s.logs.some((l) => l.includes("error document /_errors/gone.psp for 500 answered 404")),
    s.logs.join("\n"),
  );
  // A private name is still refused to clients (and answered by the 403 document).
  const direct = await s.fetch("/_errors/404.psp");
  assert.equal(direct.status, 403);
  assert.equal(await direct.text(), "403 Forbidden at /_errors/404.psp");
});

/** Milliseconds until the server closes `conn` (reading whatever it sends), or "open" after `ms`. */
async function closedWithin(conn: Deno.Conn, ms: number): Promise<number | "open"> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closed = (async () => {
    const buf = new Uint8Array(4096);
    while ((await conn.read(buf).catch(() => null)) !== null) { /* an answer, then the end */ }
    return performance.now() - started;
  })();
  const late = new Promise<"open">((r) => timer = setTimeout(() => r("open"), ms));
  const result = await Promise.race([closed, late]);
  clearTimeout(timer);
  conn.close();
  return result;
}

const GET = (path: string) => encoder.encode(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);

Deno.test("D2: silent and idle connections are closed after their timeouts; busy ones are not", async () => {
  const root = await tempTree({
    "m.ts": `export const index = () => "ok";
export async function slow() { await new Promise((r) => setTimeout(r, 1500)); return "slow done"; }`,
  });
  await using s = await serveRoot(root, { headerTimeout: 0.5, idleTimeout: 1 });
  const baseline = openFds();
  const connect = () => Deno.connect({ hostname: "127.0.0.1", port: s.port });
  const opened = performance.now();
  const silent = await Promise.all(Array.from({ length: 100 }, connect));
  const slowloris = await connect();
  await slowloris.write(encoder.encode("GET /m HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  const idle = await Promise.all(Array.from({ length: 20 }, async () => {
    const conn = await connect();
    await conn.write(GET("/m"));
    assert.equal((await readRawResponse(conn, true)).body, "ok");
    return conn;
  }));
  const idleSince = performance.now();
  // In flight for longer than either timeout: answered all the same.
  const slow = await connect();
  await slow.write(GET("/m/slow"));
  // A request every 300 ms for 2 s: never idle for a whole second.
  const busy = await connect();
  const busyAnswers: string[] = [];
  const busyDone = (async () => {
    for (let i = 0; i < 7; i++) {
      await busy.write(GET("/m"));
      busyAnswers.push((await readRawResponse(busy, true)).body);
      await new Promise((r) => setTimeout(r, 300));
    }
  })();

  const silentClosed = await Promise.all([...silent, slowloris].map((c) => closedWithin(c, 5000)));
  const headSeconds = (performance.now() - opened) / 1000;
  assert.ok(silentClosed.every((t) => t !== "open"), "a silent connection is still open after 5 s");
  assert.ok(headSeconds >= 0.45 && headSeconds < 3, `silent ones closed after ${headSeconds} s`);
  const idleClosed = await Promise.all(idle.map((c) => closedWithin(c, 5000)));
  const idleSeconds = (performance.now() - idleSince) / 1000;
  assert.ok(idleClosed.every((t) => t !== "open"), "an idle connection is still open after 5 s");
  assert.ok(idleSeconds >= 0.95 && idleSeconds < 3.5, `idle ones closed after ${idleSeconds} s`);

  const slowAnswer = await readRawResponse(slow, true);
  assert.equal(slowAnswer.status, 200);
  assert.equal(slowAnswer.body, "slow done");
  slow.close();
  await busyDone;
  assert.deepEqual(busyAnswers, Array(7).fill("ok"));
  busy.close();
  assert.ok(openFds() - baseline < 10, `${openFds() - baseline} descriptors more than before`);
  assert.equal(await (await s.fetch("/m")).text(), "ok");
});

Deno.test("D2: past the connection cap a new connection gets a 503, and the server recovers", async () => {
  const root = await tempTree({ "m.ts": `export const index = () => "ok";` });
  await using s = await serveRoot(root, { maxConnections: 10, headerTimeout: 0 });
  const connect = () => Deno.connect({ hostname: "127.0.0.1", port: s.port });
  const held = await Promise.all(Array.from({ length: 10 }, connect));
  const refused = await readRawResponse(await connect());
  assert.equal(refused.status, 503);
  assert.equal(refused.headers["retry-after"], "1");
  assert.equal(refused.body, "The server has too many connections");
  assert.ok(s.logs.some((l) => l === "connection limit (10) reached: new connections get a 503"));
  held.forEach((c) => c.close());
  let status = 0;
  for (let i = 0; i < 100 && status !== 200; i++) {
    const res = await s.fetch("/m", { headers: { connection: "close" } });
    await res.body?.cancel();
    status = res.status;
    if (status !== 200) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(status, 200);
});

Deno.test("D2: running out of descriptors is refused, logged and survived", async () => {
  const root = await tempTree({ "public/m.ts": `export const index = () => "ok";` });
  const site = join(root, "public");
  /**
   * Opens `n` connections (or until one is refused) and holds them until `logged` is printed;
   * then closes them and asks for /m.
   */
  const flood = async (
    server: Awaited<ReturnType<typeof spawnServer>>,
    n: number,
    logged: RegExp,
  ) => {
    const conns: Deno.Conn[] = [];
    for (let i = 0; i < n; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port }).catch(() =>
        null
      );
      if (!conn) break;
      conns.push(conn);
    }
    await server.waitFor(logged);
    conns.forEach((c) => c.close());
    let body = "";
    for (let i = 0; i < 200 && body !== "ok"; i++) {
      body = await fetch(`${server.url}m`, {
        headers: { connection: "close" },
        signal: AbortSignal.timeout(2000),
      }).then((r) => r.text(), () => "");
      if (body !== "ok") await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(body, "ok", server.output());
    assert.equal(await server.stop(), 0, server.output());
  };
  // A cap above what the descriptors allow: accepting fails, is logged, and starts again.
  await flood(
    await spawnServer([site, "--port", "0", "--max-connections", "1000"], undefined, 128),
    200,
    /cannot accept connections \(Too many open files/,
  );
  // Deno.serve's own listener (--websockets) ends on EMFILE: modts listens again.
  const plain = await spawnServer([site, "--port", "0", "--websockets"], undefined, 128);
  await flood(plain, 200, /the listener failed \(Too many open files/);
  assert.match(plain.output(), /listening again on port \d+/);
  // By default the first EMFILE sets a cap below it: once the header timeout has freed
  // descriptors, connections past the cap get 503s.
  const learning = await spawnServer(
    [site, "--port", "0", "--header-timeout", "1"],
    undefined,
    128,
  );
  await flood(learning, 200, /connection limit \(\d+\) reached: new connections get a 503/);
  const learnt =
    /descriptors ran out with (\d+) connections open: new connections past (\d+) get a 503/
      .exec(learning.output());
  assert.ok(learnt, learning.output());
  assert.ok(Number(learnt[2]) < Number(learnt[1]) - 7, learnt[0]);
});

Deno.test("D2: under the connection limits a WebSocket upgrade fails with a log line saying why", async () => {
  const root = await tempTree({
    "ws.ts": `import type { Req } from "modts";
export function index(req: Req) { return Deno.upgradeWebSocket(req.raw).response; }`,
  });
  await using s = await serveRoot(root);
  const ws = new WebSocket(`${s.url.replace("http", "ws")}ws`);
  const closed = new Promise((resolve) => ws.onclose = resolve);
  ws.onerror = () => {};
  await closed;
  assert.deepEqual(s.logs, [
    "a WebSocket upgrade fails while connection limits are on: " +
    "start modts with --websockets (config websockets: true)",
  ]);
});

Deno.test("a client that leaves while waiting for a session's lock is not logged as an error", async () => {
  const root = await tempTree({
    "s.ts": `import type { Req } from "modts";
export async function hold(req: Req) {
  await req.session();
  await new Promise((r) => (globalThis as { release?: (v: unknown) => void }).release = r);
  return "held";
}
export async function wait(req: Req) { (await req.session()).data.seen = true; return "waited"; }`,
  });
  await using s = await serveRoot(root);
  const first = await s.fetch("/s/wait");
  const cookie = first.headers.get("set-cookie")!.split(";")[0];
  await first.text();
  const held = s.fetch("/s/hold", { headers: { cookie } });
  while (!(globalThis as { release?: unknown }).release) await new Promise((r) => setTimeout(r, 5));
  const leaving = new AbortController();
  const waiting = s.fetch("/s/wait", { headers: { cookie }, signal: leaving.signal });
  await new Promise((r) => setTimeout(r, 100)); // it is queued behind the lock
  leaving.abort();
  await waiting.catch(() => {});
  (globalThis as { release?: (v: unknown) => void }).release!(null);
  assert.equal(await (await held).text(), "held");
  assert.equal(await (await s.fetch("/s/wait", { headers: { cookie } })).text(), "waited");
  assert.deepEqual(s.logs.filter((l) => l.startsWith("error serving")), []);
  delete (globalThis as { release?: unknown }).release;
});
