import assert from "node:assert/strict";
import { join } from "node:path";
import { serveRoot, spawnServer, tempTree, type TestServer } from "./helpers.ts";
import { startRedis } from "./local_servers.ts";

const REQ = `import type { Req } from "modts";`;

/** The stores the store-agnostic tests run against: Deno KV (in memory) and a real Redis. */
const STORES = [
  {
    name: "KV",
    open: () => Promise.resolve({ kv: ":memory:", [Symbol.asyncDispose]: async () => {} }),
  },
  {
    name: "Redis",
    open: async () => {
      const redis = await startRedis();
      return { kv: redis.url, [Symbol.asyncDispose]: () => redis.stop() };
    },
  },
];

const SITE = {
  "count.ts": `${REQ}
export async function index(req: Req) {
  const s = await req.session();
  s.data.n = ((s.data.n as number) ?? 0) + 1;
  return \`n=\${s.data.n} new=\${s.isNew}\`;
}
/** Reads, waits, writes: a lost update shows unless requests of one session serialise. */
export async function hold(req: Req, ms: number) {
  const s = await req.session();
  const n = ((s.data.n as number) ?? 0) + 1;
  await new Promise((r) => setTimeout(r, ms));
  s.data.n = n;
  return \`n=\${n}\`;
}
/** Holds the session while its response streams: the client knows when it holds the lock. */
export async function holdStreaming(req: Req, ms: number) {
  const s = await req.session();
  const n = ((s.data.n as number) ?? 0) + 1;
  req.write("holding\\n");
  await req.flush();
  await new Promise((r) => setTimeout(r, ms));
  s.data.n = n;
  return "";
}
export async function boom(req: Req) {
  const s = await req.session();
  s.data.n = -1;
  throw new Error("boom");
}
export async function logout(req: Req) {
  await (await req.session()).invalidate();
  return "bye";
}
export async function login(req: Req) {
  const s = await req.session();
  const before = s.id;
  await s.regenerate();
  s.data.user = "ann";
  return \`\${before} -> \${s.id}\`;
}
export async function big(req: Req) {
  const s = await req.session();
  s.data.blob = "x".repeat(70 * 1024);
  return "too big";
}
export async function info(req: Req) {
  const s = await req.session();
  return JSON.stringify({ id: s.id, isNew: s.isNew, data: s.data, timeout: s.timeout,
    created: s.created.getTime(), lastAccessed: s.lastAccessed.getTime() });
}
/** The function and the page it renders share one session: no self-deadlock. */
export async function both(req: Req) {
  const s = await req.session();
  s.data.n = ((s.data.n as number) ?? 0) + 1;
  return req.render("page.psp");
}
export async function twice(req: Req) {
  const [a, b] = await Promise.all([req.session(), req.session()]);
  return String(a === b && a === (await req.session()));
}
`,
  "page.psp": "<% session.data.n = (session.data.n ?? 0) + 1 %>n=<%= session.data.n %>",
};

const SID = /^sid=([0-9a-f]{32}); Path=\/; HttpOnly; SameSite=Lax$/;

function sidOf(res: Response): string {
  const cookie = res.headers.get("set-cookie");
  const m = cookie && SID.exec(cookie);
  assert.ok(m, `a session cookie, got ${cookie}`);
  return m[1];
}

async function get(s: TestServer, path: string, sid?: string) {
  const res = await s.fetch(path, { headers: sid ? { cookie: `sid=${sid}` } : {} });
  return { res, body: await res.text() };
}

async function newSession(s: TestServer): Promise<string> {
  const { res, body } = await get(s, "/count");
  assert.equal(body, "n=1 new=true");
  return sidOf(res);
}

/** Every session id the store holds. */
async function storedIds(kvPath: string): Promise<string[]> {
  const kv = await Deno.openKv(kvPath);
  try {
    const ids: string[] = [];
    for await (const e of kv.list({ prefix: ["modts-session"] })) ids.push(String(e.key[1]));
    return ids;
  } finally {
    kv.close();
  }
}

for (const store of STORES) {
  Deno.test(`sessions (${store.name}): a new session's cookie, then the same session on later requests`, async () => {
    await using st = await store.open();
    await using s = await serveRoot(await tempTree(SITE), { kv: st.kv });
    const first = await get(s, "/count");
    assert.equal(first.body, "n=1 new=true");
    const sid = sidOf(first.res);
    const second = await get(s, "/count", sid);
    assert.equal(second.body, "n=2 new=false");
    // Sent only when the id is new or changes.
    assert.equal(second.res.headers.get("set-cookie"), null);
    const info = JSON.parse((await get(s, "/count/info", sid)).body);
    assert.equal(info.id, sid);
    assert.equal(info.timeout, 1800);
    assert.deepEqual(info.data, { n: 2 });
    assert.ok(info.created <= info.lastAccessed && info.lastAccessed <= Date.now());
    assert.equal((await get(s, "/count/twice", sid)).body, "true");
  });
}

Deno.test("sessions: the file store keeps sessions across a restart", async () => {
  const root = await tempTree(SITE);
  const dataDir = await Deno.makeTempDir();
  const kv = join(dataDir, "kv.sqlite3");
  let sid: string;
  {
    await using s = await serveRoot(root, { kv, dataDir });
    sid = await newSession(s);
    assert.equal((await get(s, "/count", sid)).body, "n=2 new=false");
  }
  await using s = await serveRoot(root, { kv, dataDir });
  assert.equal((await get(s, "/count", sid)).body, "n=3 new=false");
  assert.deepEqual(await storedIds(kv), [sid]);
});

Deno.test("sessions: a bad, unknown or expired id gets a fresh one and touches nothing", async () => {
  const dataDir = await Deno.makeTempDir();
  const kv = join(dataDir, "kv.sqlite3");
  await using s = await serveRoot(await tempTree(SITE), { kv, dataDir });
  const known = await newSession(s);
  const bad = [
    "../../etc/passwd",
    known.toUpperCase(),
    known + "0",
    known.slice(1),
    "0123456789abcdef0123456789abcdef", // well-formed, unknown
    `${known}.${btoa("x".repeat(32))}`, // a signature nobody asked for
  ];
  const fresh: string[] = [];
  for (const claimed of bad) {
    const { res, body } = await get(s, "/count", claimed);
    assert.equal(body, "n=1 new=true", claimed);
    const sid = sidOf(res);
    assert.notEqual(sid, claimed);
    assert.notEqual(sid, known);
    fresh.push(sid);
  }
  assert.deepEqual((await storedIds(kv)).sort(), [known, ...fresh].sort());
  assert.deepEqual(
    (await Array.fromAsync(Deno.readDir(dataDir))).map((e) => e.name).filter((n) =>
      !n.startsWith("kv.sqlite3") && !n.startsWith("uploads-") && n !== "psp-cache"
    ),
    [],
  );

  // Expiry is the record's own: a session idle past its timeout is gone even though KV's
  // lazy clean-up has not removed it.
  const store = await Deno.openKv(kv);
  const key = ["modts-session", known];
  const entry = await store.get<{ accessed: number; timeout: number }>(key);
  await store.set(key, { ...entry.value!, accessed: Date.now() - 1801 * 1000 });
  store.close();
  const expired = await get(s, "/count", known);
  assert.equal(expired.body, "n=1 new=true");
  assert.notEqual(sidOf(expired.res), known);
});

for (const store of STORES) {
  Deno.test(`sessions (${store.name}): invalidate and regenerate`, async () => {
    await using st = await store.open();
    await using s = await serveRoot(await tempTree(SITE), { kv: st.kv });
    const sid = await newSession(s);
    const out = await get(s, "/count/logout", sid);
    assert.equal(out.body, "bye");
    assert.equal(
      out.res.headers.get("set-cookie"),
      "sid=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
    );
    assert.equal((await get(s, "/count", sid)).body, "n=1 new=true");

    const old = await newSession(s);
    const login = await get(s, "/count/login", old);
    const renewed = sidOf(login.res);
    assert.equal(login.body, `${old} -> ${renewed}`);
    assert.equal((await get(s, "/count/info", old)).body.includes('"isNew":true'), true);
    const info = JSON.parse((await get(s, "/count/info", renewed)).body);
    assert.deepEqual(info.data, { n: 1, user: "ann" });
  });
}

for (const store of STORES) {
  Deno.test(`sessions (${store.name}): data over the size limit is refused clearly and the old data stays`, async () => {
    await using st = await store.open();
    await using s = await serveRoot(await tempTree(SITE), { kv: st.kv });
    const sid = await newSession(s);
    const { res } = await get(s, "/count/big", sid);
    assert.equal(res.status, 500);
    assert.ok(
      s.logs.some((l) => l.includes("session data is over the 60 KiB limit")),
      s.logs.join("\n"),
    );
    assert.equal((await get(s, "/count", sid)).body, "n=2 new=false");
  });
}

for (const store of STORES) {
  Deno.test(`sessions (${store.name}): one session's requests run one at a time, different sessions in parallel`, async () => {
    await using st = await store.open();
    await using s = await serveRoot(await tempTree(SITE), { kv: st.kv });
    const sid = await newSession(s);
    let t = performance.now();
    const pair = await Promise.all([1, 2].map(() => get(s, "/count/hold?ms=1000", sid)));
    const serial = performance.now() - t;
    assert.deepEqual(pair.map((r) => r.body).sort(), ["n=2", "n=3"]);
    assert.ok(serial >= 2000, `${serial} ms`);
    assert.equal((await get(s, "/count", sid)).body, "n=4 new=false");

    const sids = await Promise.all(Array.from({ length: 8 }, () => newSession(s)));
    t = performance.now();
    const eight = await Promise.all(sids.map((sid) => get(s, "/count/hold?ms=1000", sid)));
    const parallel = performance.now() - t;
    assert.deepEqual(eight.map((r) => r.body), Array(8).fill("n=2"));
    assert.ok(parallel < 1800, `${parallel} ms`);
  });
}

/** Sends `n` concurrent increments on a session at 1; asserts each saw a distinct count. */
async function increments(urls: (i: number) => URL, sid: string, n: number) {
  const headers = { cookie: `sid=${sid}` };
  const bodies = await Promise.all(
    Array.from({ length: n }, (_, i) => fetch(urls(i), { headers }).then((r) => r.text())),
  );
  // Each saw a distinct count: the requests ran one after another.
  assert.deepEqual(
    bodies.map((b) => Number(b.slice(2))).sort((a, b) => a - b),
    Array.from({ length: n }, (_, i) => i + 2),
  );
}

/** A new session counting 1 (a session is stored once it holds something). */
async function firstCount(url: string): Promise<string> {
  const res = await fetch(new URL("/count", url));
  assert.equal(await res.text(), "n=1 new=true");
  return sidOf(res);
}

for (const store of STORES) {
  Deno.test(`sessions (${store.name}): 200 concurrent increments of one counter end at 200`, async () => {
    await using st = await store.open();
    await using s = await serveRoot(await tempTree(SITE), { kv: st.kv });
    const sid = await firstCount(s.url);
    await increments(() => new URL("/count/hold?ms=0", s.url), sid, 200);
    assert.deepEqual(JSON.parse((await get(s, "/count/info", sid)).body).data, { n: 201 });
  });
}

Deno.test("sessions: two processes on one KV file share the lock", async () => {
  const root = await tempTree(SITE);
  const dataDir = await Deno.makeTempDir();
  const args = [root, "--port", "0", "--data-dir", dataDir];
  const a = await spawnServer(args);
  const b = await spawnServer(args);
  try {
    const sid = await firstCount(a.url);
    await increments((i) => new URL("/count/hold?ms=0", i % 2 ? a.url : b.url), sid, 200);
    const last = await fetch(new URL("/count/info", b.url), { headers: { cookie: `sid=${sid}` } });
    assert.deepEqual(JSON.parse(await last.text()).data, { n: 201 });
  } finally {
    await a.stop();
    await b.stop();
  }
});

Deno.test("sessions: a lease left by a crashed process blocks only until it expires", async () => {
  const dataDir = await Deno.makeTempDir();
  const kv = join(dataDir, "kv.sqlite3");
  await using s = await serveRoot(await tempTree(SITE), { kv, dataDir });
  const sid = await newSession(s);
  const store = await Deno.openKv(kv);
  const key = ["modts-session", sid];
  const entry = await store.get<Record<string, unknown>>(key);
  const until = Date.now() + 1500;
  await store.set(key, { ...entry.value!, lease: { owner: "crashed", until } });
  store.close();
  assert.equal((await get(s, "/count", sid)).body, "n=2 new=false");
  assert.ok(Date.now() >= until, "waited for the lease");
});

for (const store of STORES) {
  Deno.test(`sessions (${store.name}): the lock is released after a thrown error and after a client disconnect`, async () => {
    await using st = await store.open();
    await using s = await serveRoot(await tempTree(SITE), { kv: st.kv });
    const sid = await newSession(s);
    const failed = await get(s, "/count/boom", sid);
    assert.equal(failed.res.status, 500);
    // The failed request's change is not saved; the next request is not blocked.
    assert.equal((await get(s, "/count", sid)).body, "n=2 new=false");

    // A client that leaves while its request holds the session (its headers prove the hold)...
    const holding = new AbortController();
    const held = await s.fetch("/count/holdStreaming?ms=300", {
      headers: { cookie: `sid=${sid}` },
      signal: holding.signal,
    });
    assert.equal(held.status, 200);
    // ...and one that leaves while it waits for the lock. Nothing observable says it has
    // queued, so it gets 100 ms to arrive (the holder holds for 300).
    const waiting = new AbortController();
    const waiter = s.fetch("/count/hold?ms=0", {
      headers: { cookie: `sid=${sid}` },
      signal: waiting.signal,
    }).catch(() => "aborted");
    await new Promise((r) => setTimeout(r, 100));
    holding.abort();
    waiting.abort();
    assert.equal(await waiter, "aborted");
    // The holder's handler still finished and saved (n=3); the waiter never ran.
    assert.equal((await get(s, "/count", sid)).body, "n=4 new=false");
  });
}

for (const store of STORES) {
  Deno.test(`sessions (${store.name}): a function and the page it renders share the session`, async () => {
    await using st = await store.open();
    await using s = await serveRoot(await tempTree(SITE), { kv: st.kv });
    const sid = await newSession(s);
    assert.equal((await get(s, "/count/both", sid)).body, "n=3");
    const page = await get(s, "/page.psp", sid);
    assert.equal(page.body, "n=4");
  });
}

Deno.test("sessions: a hold past the directory's lock timeout is saved and released", async () => {
  await using s = await serveRoot(
    await tempTree({
      ...SITE,
      "_directory.ts": "export const config = { session: { lockTimeout: 1 } };",
    }),
  );
  const sid = await newSession(s);
  const headers = { cookie: `sid=${sid}` };
  // A holds the session for 2.5 s (its headers prove it holds it); B needs it too.
  const a = await s.fetch("/count/holdStreaming?ms=2500", { headers });
  const aDone = a.text().then(() => "a");
  const bDone = s.fetch("/count", { headers }).then(async (r) => `b: ${await r.text()}`);
  assert.equal(await Promise.race([aDone, bDone]), "b: n=2 new=false");
  assert.equal(await aDone, "a");
  assert.ok(s.logs.some((l) => /held longer than 1s: saved and released/.test(l)), s.logs.join());
  // A's change after it lost the lock is not saved.
  assert.equal((await get(s, "/count", sid)).body, "n=3 new=false");
});
