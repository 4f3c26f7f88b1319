// req.upgradeWebSocket and live reload over real HTTP (the browser tests drive the same in
// Chromium: browser_dev_test.ts).
import assert from "node:assert/strict";
import { join } from "node:path";
import { type RawResponse, readRawResponse, serveRoot, tempTree } from "./helpers.ts";

const SITE = {
  // The hook runs before the upgrade; compression must leave the 101 alone.
  "_directory.ts": `import { OK, type Req } from "modts";
export function access(req: Req) {
  return req.query.get("key") === "open" ? OK : 403;
}
export const config = { compress: true };`,
  "counter.ts": `import type { Req } from "modts";
export async function index(req: Req) {
  const s = await req.session();
  s.data.n = ((s.data.n as number) ?? 0) + 1;
  return String(s.data.n);
}`,
  "ws.ts": `import type { Req } from "modts";
export async function index(req: Req) {
  const seen = (await req.session()).data.n;
  const { socket, response } = req.upgradeWebSocket();
  socket.onmessage = (e) => socket.send(JSON.stringify({
    echo: e.data,
    seen,
    sid: req.cookies.sid !== undefined,
    addr: req.remoteAddr,
    agent: req.headers.get("x-tester"),
  }));
  return response;
}`,
};

/** An upgrade request written by hand (fetch cannot send one): the answer's status and headers. */
async function upgradeRequest(port: number, target: string): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  ));
  return await readRawResponse(conn);
}

Deno.test("req.upgradeWebSocket: after the hooks, with the session read and released", async () => {
  const dataDir = await Deno.makeTempDir();
  const log = join(dataDir, "access.log");
  const root = await tempTree(SITE);
  {
    await using s = await serveRoot(root, { websockets: true, accessLog: log, dataDir });
    const first = await s.fetch("/counter?key=open");
    assert.equal(await first.text(), "1");
    const cookie = first.headers.get("set-cookie")!.split(";")[0];

    const refused = await upgradeRequest(s.port, "/ws");
    assert.equal(refused.status, 403);

    const ws = new WebSocket(`${s.url.replace("http", "ws")}ws?key=open`, {
      headers: { cookie, "x-tester": "tester/1" },
    } as unknown as string[]);
    const message = new Promise<string>((resolve) => ws.onmessage = (e) => resolve(e.data));
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    // The socket is open and its session's lock long released: the same session answers.
    assert.equal(await (await s.fetch("/counter?key=open", { headers: { cookie } })).text(), "2");
    ws.send("hi");
    assert.deepEqual(JSON.parse(await message), {
      echo: "hi",
      seen: 1,
      sid: true,
      addr: "127.0.0.1",
      agent: "tester/1",
    });
    const closed = new Promise((resolve) => ws.onclose = resolve);
    ws.close();
    await closed;
  }
  const lines = (await Deno.readTextFile(log)).trim().split("\n");
  assert.deepEqual(lines.map((l) => /"GET (\S+) HTTP\/1.1" (\d+)/.exec(l)!.slice(1)), [
    ["/counter?key=open", "200"],
    ["/ws", "403"],
    ["/ws?key=open", "101"],
    ["/counter?key=open", "200"],
  ]);
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("req.upgradeWebSocket: 426 for a plain request, 501 behind the connection limits", async () => {
  const root = await tempTree(SITE);
  await using s = await serveRoot(root);
  const plain = await s.fetch("/ws?key=open");
  assert.equal(plain.status, 426);
  assert.equal(plain.headers.get("upgrade"), "websocket");
  assert.match(await plain.text(), /<p>This address takes WebSocket connections.<\/p>/);
  const refused = await upgradeRequest(s.port, "/ws?key=open");
  assert.equal(refused.status, 501);
  assert.match(refused.body, /<p>This server does not take WebSocket connections.<\/p>/);
  assert.deepEqual(s.logs.filter((l) => l.includes("WebSocket")), [
    "a WebSocket upgrade fails while connection limits are on: start modts with --websockets " +
    "(config websockets: true)",
  ]);
  assert.equal(await (await s.fetch("/counter?key=open")).text(), "1");
});

Deno.test("server-sent events: a stream open at shutdown is ended, not waited for", async () => {
  const root = await tempTree({
    "_directory.ts": "export const config = { compress: true };",
    "events.ts": `export function index() {
  const body = new ReadableStream({ start(c) { c.enqueue("data: one\\n\\n"); } });
  return new Response(body.pipeThrough(new TextEncoderStream()), {
    headers: { "content-type": "text/event-stream" },
  });
}`,
  });
  const s = await serveRoot(root);
  try {
    const res = await s.fetch("/events", { headers: { "accept-encoding": "gzip" } });
    assert.equal(res.headers.get("content-encoding"), "gzip");
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    assert.deepEqual(await reader.read(), { done: false, value: "data: one\n\n" });
    await s.shutdown();
    assert.deepEqual(await reader.read(), { done: true, value: undefined });
    assert.deepEqual(s.logs.filter((l) => l.includes("still running")), []);
  } finally {
    await s[Symbol.asyncDispose]();
  }
});
