// Interpreters: prefixes whose code runs in isolates of its own, with narrowed permissions and
// a time limit (docs/interpreters.md). interpreter_parity_test.ts runs the same behaviours in
// and out of one.
import assert from "node:assert/strict";
import { join } from "node:path";
import { readConfigFile } from "../src/config/config_file.ts";
import { interpreterSpec as spec, runCli, serveRoot, tempTree } from "./helpers.ts";

/** Each operation's outcome: "ok", or the name of the error it threw. */
const PROBE = `export async function index(what: string, arg = "") {
  const ops: Record<string, () => unknown> = {
    read: () => Deno.readTextFile(arg),
    write: () => Deno.writeTextFile(arg, "x"),
    net: () => fetch(arg).then((r) => r.text()),
    env: () => Deno.env.get(arg),
    run: () => new Deno.Command("true").output(),
    ffi: () => Deno.dlopen("libc.so.6", {}),
    sys: () => Deno.hostname(),
    kv: () => Deno.openKv(arg),
  };
  try {
    await ops[what]();
    return "ok";
  } catch (e) {
    return (e as Error).name;
  }
}`;

Deno.test("interpreters: state, globals and a shared helper are separate per interpreter", async () => {
  const root = await tempTree({
    "lib/counter.ts": "let n = 0;\nexport const next = () => ++n;\n",
    "a/count.ts": `import { next } from "../lib/counter.ts";
export function index() { (globalThis as Record<string, unknown>).mark = "a"; return String(next()); }
export const mark = () => String((globalThis as Record<string, unknown>).mark);`,
    "b/count.ts": `import { next } from "../lib/counter.ts";
export function index() { return String(next()); }
export const mark = () => String((globalThis as Record<string, unknown>).mark);`,
    "count.ts": `import { next } from "./lib/counter.ts";
export function index() { return String(next()); }
export const mark = () => String((globalThis as Record<string, unknown>).mark);`,
  });
  const lib = join(await Deno.realPath(root), "lib");
  await using s = await serveRoot(root, {
    interpreters: { "/a/": spec({ read: [lib] }), "/b/": spec({ read: [lib] }) },
  });
  const text = async (path: string) => await (await s.fetch(path)).text();
  assert.deepEqual(
    [await text("/a/count"), await text("/a/count"), await text("/b/count"), await text("/count")],
    ["1", "2", "1", "1"],
  );
  assert.deepEqual([
    await text("/a/count/mark"),
    await text("/b/count/mark"),
    await text("/count/mark"),
  ], [
    "a",
    "undefined",
    "undefined",
  ]);
});

for (const [carrier, memory] of [["a Worker", null], ["a process of its own", 128]] as const) {
  Deno.test(`interpreters in ${carrier}: each permission is denied unless granted`, async () => {
    await permissionsDeniedUnlessGranted(memory);
  });
}

async function permissionsDeniedUnlessGranted(memory: number | null): Promise<void> {
  const other = await Deno.makeTempDir();
  await Deno.writeTextFile(join(other, "shared.txt"), "shared");
  const root = await tempTree({
    "open/probe.ts": PROBE,
    "shut/probe.ts": PROBE,
    "b/secret.txt": "b's secret",
  });
  const peer = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("hi"),
  );
  Deno.env.set("MODTS_TEST_SECRET", "s3");
  try {
    await using s = await serveRoot(root, {
      interpreters: {
        "/open/": spec({
          read: [other],
          net: [`127.0.0.1:${peer.addr.port}`],
          env: ["MODTS_TEST_SECRET"],
          memory,
        }),
        "/shut/": spec({ memory }),
        "/b/": spec({ memory }),
      },
    });
    const probe = async (where: string, what: string, arg = "") =>
      await (await s.fetch(`/${where}/probe?what=${what}&arg=${encodeURIComponent(arg)}`)).text();
    const real = await Deno.realPath(root);
    const cases: [string, string][] = [
      ["read", join(other, "shared.txt")],
      ["net", `http://127.0.0.1:${peer.addr.port}/`],
      ["env", "MODTS_TEST_SECRET"],
    ];
    for (const [what, arg] of cases) {
      assert.equal(await probe("open", what, arg), "ok", what);
      assert.equal(await probe("shut", what, arg), "NotCapable", what);
    }
    for (const [what, arg] of [["write", join(real, "open", "w.txt")], ["run"], ["ffi"], ["sys"]]) {
      assert.equal(await probe("open", what, arg), "NotCapable", what);
    }
    // Its own files yes; another interpreter's, the system's and the session store no.
    assert.equal(await probe("shut", "read", join(real, "shut", "probe.ts")), "ok");
    assert.equal(await probe("shut", "read", join(real, "b", "secret.txt")), "NotCapable");
    assert.equal(await probe("shut", "read", "/etc/passwd"), "NotCapable");
    assert.equal(await probe("shut", "read", join(s.dataDir, "kv.sqlite3")), "NotCapable");
    assert.notEqual(await probe("shut", "kv", join(s.dataDir, "kv.sqlite3")), "ok");
    // A denied operation that escapes is a 500 like any error, logged with Deno's message.
    await Deno.writeTextFile(
      join(root, "shut", "raw.ts"),
      'export const index = () => Deno.readTextFile("/etc/passwd");',
    );
    const raw = await s.fetch("/shut/raw");
    assert.equal(raw.status, 500);
    await raw.body?.cancel();
    assert.ok(
      s.logs.some((l) => l.includes("interpreter /shut/: error serving /shut/raw: NotCapable")),
    );
  } finally {
    Deno.env.delete("MODTS_TEST_SECRET");
    await peer.shutdown();
  }
}

Deno.test("interpreters: a busy loop gets a 503 in time; the others answer meanwhile", async () => {
  const root = await tempTree({
    "a/work.ts": `import type { Req } from "modts";
export function loop() { while (true) { /* busy */ } }
export async function held(req: Req) { (await req.session()).data.x = 1; while (true) { /* busy */ } }
export async function visit(req: Req) {
  const s = await req.session();
  s.data.n = ((s.data.n as number) ?? 0) + 1;
  return String(s.data.n);
}
export const index = () => "fresh";`,
    "b/index.ts": 'export const index = () => "b";',
    "index.ts": 'export const index = () => "main";',
  });
  await using s = await serveRoot(root, {
    interpreters: { "/a/": spec({ timeout: 1 }), "/b/": spec() },
  });
  // (Each answers once first: a first request loads its module.)
  assert.equal(await (await s.fetch("/b/")).text(), "b");
  assert.equal(await (await s.fetch("/")).text(), "main");
  const started = performance.now();
  const looping = s.fetch("/a/work/loop");
  // While /a/ spins: another interpreter and the server's own isolate answer at once.
  for (const [path, body] of [["/b/", "b"], ["/", "main"]]) {
    const t = performance.now();
    assert.equal(await (await s.fetch(path)).text(), body);
    assert.ok(performance.now() - t < 200, `${path}: ${performance.now() - t} ms`);
  }
  const res = await looping;
  const took = performance.now() - started;
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "1");
  assert.match(await res.text(), /The request took longer than 1 seconds\./);
  assert.ok(took >= 1000 && took < 2500, `${took} ms`);
  assert.ok(s.logs.includes("interpreter /a/: GET /a/work/loop ran past 1s: isolate replaced"));
  // A fresh isolate takes the next request.
  assert.equal(await (await s.fetch("/a/work")).text(), "fresh");

  // The session a spinning request held is released with its 503, unsaved.
  const first = await s.fetch("/a/work/visit");
  assert.equal(await first.text(), "1");
  const cookie = first.headers.get("set-cookie")!.split(";")[0];
  const held = await s.fetch("/a/work/held", { headers: { cookie } });
  assert.equal(held.status, 503);
  await held.body?.cancel();
  assert.equal(await (await s.fetch("/a/work")).text(), "fresh"); // (the new isolate is up)
  const t = performance.now();
  assert.equal(await (await s.fetch("/a/work/visit", { headers: { cookie } })).text(), "2");
  // Not the session's 10 s lock timeout: released with the 503.
  assert.ok(performance.now() - t < 1000, `waited ${performance.now() - t} ms for the lock`);
});

Deno.test("interpreters: a stream may outlive the limit; a busy loop after its head is still ended", async () => {
  const root = await tempTree({
    "s/live.ts": `const enc = new TextEncoder();
// An event stream's way: something now, more when it happens (here, after 1.2 s).
export const slow = () => new Response(new ReadableStream({
  async start(c) {
    c.enqueue(enc.encode("now;"));
    await new Promise((r) => setTimeout(r, 1200));
    c.enqueue(enc.encode("later"));
    c.close();
  },
}));
export const spin = () => new Response(new ReadableStream({
  start(c) {
    c.enqueue(enc.encode("now;"));
    setTimeout(() => { while (true) { /* busy */ } }, 10);
  },
}));
export const index = () => "fresh";`,
  });
  await using s = await serveRoot(root, { interpreters: { "/s/": spec({ timeout: 0.5 }) } });
  // Past two time limits, but the isolate answers its pings: the stream ends as it meant to.
  // (Bounded: a stream that is never ended or cut would hang the test, not fail it.)
  const slow = await s.fetch("/s/live/slow", { signal: AbortSignal.timeout(5000) });
  assert.equal(slow.status, 200);
  assert.equal(await slow.text(), "now;later");
  // Spinning after the head: the ping goes unanswered, the isolate is replaced, the stream cut.
  const started = performance.now();
  const spin = await s.fetch("/s/live/spin", { signal: AbortSignal.timeout(5000) });
  assert.equal(spin.status, 200);
  await assert.rejects(spin.text());
  const took = performance.now() - started;
  assert.ok(took >= 1000 && took < 2500, `${took} ms`);
  assert.ok(
    s.logs.includes("interpreter /s/: stopped answering: isolate replaced"),
    s.logs.join("\n"),
  );
  assert.equal(await (await s.fetch("/s/live")).text(), "fresh");
});

Deno.test("interpreters: Deno.exit, uncaught errors and rejections restart that one only", async () => {
  const root = await tempTree({
    "a/bad.ts": `let n = 0;
export const count = () => String(++n);
export function exit() { Deno.exit(3); }
export function reject() { Promise.reject(new Error("nobody waits")); return "said"; }
export function timer() { setTimeout(() => { throw new Error("in a timer"); }, 0); return "said"; }`,
    "b/index.ts": 'export const index = () => "b";',
  });
  await using s = await serveRoot(root, { interpreters: { "/a/": spec(), "/b/": spec() } });
  const text = async (path: string) => await (await s.fetch(path)).text();
  assert.equal(await text("/a/bad/count"), "1");
  for (
    const [path, log] of [
      ["/a/bad/exit", "interpreter /a/: exited: isolate replaced"],
      ["/a/bad/reject", "nobody waits"],
      ["/a/bad/timer", "in a timer"],
    ]
  ) {
    assert.equal(await text("/a/bad/count"), "2", path);
    const res = await s.fetch(path);
    await res.body?.cancel();
    // Replaced: the module's state starts again; the other interpreter never noticed.
    await waitFor(() => s.logs.some((l) => l.includes(log)), path);
    assert.equal(await text("/a/bad/count"), "1", path);
    assert.equal(await text("/b/"), "b");
  }
});

/** Polls a condition the server reaches on its own (a log line after a restart). */
async function waitFor(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(done(), `never happened: ${what}`);
}

Deno.test("interpreters: edits reload inside; uploads are readable there; workers share the load", async () => {
  const root = await tempTree({
    "a/page.ts": 'export const index = () => "v1";',
    "a/upload.ts": `import type { Upload } from "modts";
export async function index(file: Upload) { return file.filename + ": " + await Deno.readTextFile(file.path); }`,
    "w/who.ts": `const me = crypto.randomUUID();
export async function index() { await new Promise((r) => setTimeout(r, 150)); return me; }`,
  });
  await using s = await serveRoot(root, {
    fsTtl: 0,
    interpreters: { "/a/": spec(), "/w/": spec({ workers: 2 }) },
  });
  assert.equal(await (await s.fetch("/a/page")).text(), "v1");
  await Deno.writeTextFile(join(root, "a/page.ts"), 'export const index = () => "v2";');
  assert.equal(await (await s.fetch("/a/page")).text(), "v2");

  const form = new FormData();
  form.append("file", new File(["hello upload"], "note.txt", { type: "text/plain" }));
  const up = await s.fetch("/a/upload", { method: "POST", body: form });
  assert.equal(await up.text(), "note.txt: hello upload");

  const ids = await Promise.all(
    [1, 2, 3, 4].map(async () => await (await s.fetch("/w/who")).text()),
  );
  assert.equal(new Set(ids).size, 2, ids.join(" "));
});

Deno.test("interpreters: a finished answer keeps its length; a stream goes out as it comes", async () => {
  const root = await tempTree({
    "app/hello.ts": 'export const say = () => "Hello, x!";',
    "app/later.ts": `export function index() {
  const enc = new TextEncoder();
  return new Response(new ReadableStream({
    async start(c) {
      c.enqueue(enc.encode("first;"));
      await new Promise((r) => setTimeout(r, 100));
      c.enqueue(enc.encode("second"));
      c.close();
    },
  }));
}`,
  });
  await using s = await serveRoot(root, { interpreters: { "/app/": spec() } });
  // Sent whole, in one message from the isolate: the length is known, as outside one.
  const whole = await s.fetch("/app/hello/say");
  assert.equal(await whole.text(), "Hello, x!");
  assert.equal(whole.headers.get("content-length"), "9");
  const stream = await s.fetch("/app/later");
  assert.equal(await stream.text(), "first;second");
  assert.equal(stream.headers.get("content-length"), null);
  assert.equal(stream.headers.get("transfer-encoding"), "chunked");
});

Deno.test("interpreters: a malformed entry is one line at start", async () => {
  const cases: [unknown, string][] = [
    [{ "tenant-a": {} }, 'interpreters["tenant-a"]: a URL path that starts and ends with "/"'],
    [{ "/a/": { cpu: 1 } }, 'interpreters["/a/"]: unknown option "cpu" (known: read, net'],
    [{ "/a/": { read: "/etc" } }, 'interpreters["/a/"]: "read" must be a list of strings'],
    [{ "/a/": { memory: 8 } }, 'interpreters["/a/"]: "memory" must be a number of at least 16'],
  ];
  for (const [interpreters, message] of cases) {
    const dir = await tempTree({
      "modts.config.json": JSON.stringify({ interpreters }),
      "public/a/index.ts": "export const index = () => 1;",
    });
    const r = await runCli(["serve", join(dir, "public"), "--port", "0"]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.ok(r.stderr.includes(message), r.stderr);
  }
});

Deno.test("interpreters: `memory` without --allow-run for the server is one line at start", async () => {
  const dir = await tempTree({
    "modts.config.json": JSON.stringify({ interpreters: { "/m/": { memory: 64 } } }),
    "public/m/index.ts": "export const index = () => 1;",
  });
  // Everything the tasks allow but --allow-run.
  const perms = [
    "--no-lock",
    "--allow-read",
    "--allow-write",
    "--allow-net",
    "--allow-env",
    "--allow-sys",
  ];
  const out = await runCli(["serve", join(dir, "public"), "--port", "0"], { perms });
  assert.equal(out.code, 2);
  assert.equal(
    out.stderr,
    'modts serve: interpreters["/m/"]: "memory" runs it in processes of its own, ' +
      "which needs --allow-run for the server\n",
  );
});

Deno.test("interpreters: a site's `interpreter` is its whole site; `read` is relative to the file", async () => {
  const dir = await tempTree({
    "modts.json": JSON.stringify({
      interpreters: { "/a/": { read: ["shared"], timeout: 2 } },
      sites: {
        "c.test": { root: "sites/c", interpreter: { timeout: 10, env: ["HOME"] } },
        "d.test": { root: "sites/d" },
      },
    }),
  });
  const config = await readConfigFile(join(dir, "modts.json"));
  assert.deepEqual(config.interpreters, {
    "/a/": spec({ read: [join(dir, "shared")], timeout: 2 }),
  });
  assert.deepEqual(config.sites!["c.test"].settings.interpreters, {
    "/": spec({ env: ["HOME"], timeout: 10 }),
  });
  assert.equal(config.sites!["d.test"].settings.interpreters, undefined);
});

Deno.test("interpreters: a memory bomb under a `memory` limit ends its own process only", async () => {
  const root = await tempTree({
    "m/bomb.ts": `const keep: unknown[] = [];
let n = 0;
export function index() { for (;;) keep.push(new Array(1e6).fill(1)); }
export const ok = () => \`alive \${++n}\`;`,
    "b/index.ts": 'export const index = () => "b";',
  });
  await using s = await serveRoot(root, {
    interpreters: { "/m/": spec({ memory: 64, timeout: 30 }), "/b/": spec() },
  });
  assert.equal(await (await s.fetch("/m/bomb/ok")).text(), "alive 1");
  assert.equal(await (await s.fetch("/m/bomb/ok")).text(), "alive 2");
  const bomb = await s.fetch("/m/bomb");
  assert.equal(bomb.status, 503);
  assert.match(await bomb.text(), /The interpreter was restarted\./);
  assert.ok(
    s.logs.some((l) => /^interpreter \/m\/: (ended by SIG|exited with)/.test(l)),
    s.logs.join("\n"),
  );
  assert.equal(await (await s.fetch("/b/")).text(), "b");
  assert.equal(await (await s.fetch("/m/bomb/ok")).text(), "alive 1");
});

Deno.test("interpreters: an isolate that cannot start is tried again each second, then serves", async () => {
  const root = await tempTree({
    "a/bye.ts": `export async function index() {
  await new Promise((r) => setTimeout(r, 300));
  Deno.exit(1);
}
export const hi = () => "hi";`,
  });
  await using s = await serveRoot(root, { interpreters: { "/a/": spec() } });
  const leaving = s.fetch("/a/bye");
  // Its directory goes away before it exits: the replacement cannot open its site.
  await Deno.rename(join(root, "a"), join(root, "gone"));
  assert.equal((await leaving).status, 503);
  await waitFor(() => s.logs.some((l) => l.includes("cannot start (")), "a failed start");
  const meanwhile = await s.fetch("/a/bye/hi");
  assert.equal(meanwhile.status, 503);
  assert.match(await meanwhile.text(), /The interpreter failed to start\./);
  await Deno.rename(join(root, "gone"), join(root, "a"));
  await waitFor(() => s.logs.includes("interpreter /a/: started again"), "a new start");
  assert.equal(await (await s.fetch("/a/bye/hi")).text(), "hi");
});
