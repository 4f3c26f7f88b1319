import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli, serveRoot, tempTree } from "./helpers.ts";

const REQ = `import type { Req } from "modts";`;
const SHOW_OPTIONS = `${REQ}\nexport const index = (req: Req) => JSON.stringify(req.options);\n`;

Deno.test("directories: options merge down three levels; an empty value removes a key", async () => {
  await using s = await serveRoot(
    await tempTree({
      "_directory.ts": `export const config = { options: { a: "1", b: "2" } };`,
      "one/_directory.ts": `export const config = { options: { b: "", c: "3" } };`,
      "one/two/_directory.ts": `export const config = { options: { a: "x" } };`,
      "show.ts": SHOW_OPTIONS,
      "one/show.ts": SHOW_OPTIONS,
      "one/two/show.ts": SHOW_OPTIONS,
    }),
  );
  assert.deepEqual(await (await s.fetch("/show")).json(), { a: "1", b: "2" });
  assert.deepEqual(await (await s.fetch("/one/show")).json(), { a: "1", c: "3" });
  assert.deepEqual(await (await s.fetch("/one/two/show")).json(), { a: "x", c: "3" });
});

Deno.test("directories: debug on in a parent, off in a child; a bad _directory.ts is a 500", async () => {
  const boom = `export function index() { throw new Error("<kaboom>"); }`;
  await using s = await serveRoot(
    await tempTree({
      "dbg/_directory.ts": `export const config = { debug: true };`,
      "dbg/boom.ts": boom,
      "dbg/quiet/_directory.ts": `export const config = { debug: false };`,
      "dbg/quiet/boom.ts": boom,
      "bad/_directory.ts": `export const acess = () => "OK";`,
      "bad/index.html": "never",
      "dbg/hook/_directory.ts":
        `export const access = () => { throw new Error("<hook failed>"); };`,
      "dbg/hook/index.html": "never",
      "small/_directory.ts": `export const config = { maxBodySize: 10 };`,
      "small/echo.ts": `export const index = (text = "") => text;`,
    }),
  );
  const loud = await s.fetch("/dbg/boom");
  assert.equal(loud.status, 500);
  assert.match(await loud.text(), /Error: &lt;kaboom&gt;/);
  const quiet = await s.fetch("/dbg/quiet/boom");
  assert.equal(quiet.status, 500);
  assert.doesNotMatch(await quiet.text(), /kaboom/);
  const hook = await s.fetch("/dbg/hook/");
  assert.equal(hook.status, 500);
  assert.match(await hook.text(), /Error: &lt;hook failed&gt;/);
  const post = (body: string) =>
    s.fetch("/small/echo", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    });
  assert.equal(await (await post("text=hi")).text(), "hi");
  const big = await post(`text=${"x".repeat(100)}`);
  assert.equal(big.status, 413);
  await big.body?.cancel();
  const bad = await s.fetch("/bad/");
  assert.equal(bad.status, 500);
  await bad.body?.cancel();
  assert.ok(s.logs.some((l) => l.includes('_directory.ts: unknown export "acess"')), s.logs.join());
});

// Each hook answers what the query says (`?access1=DECLINED`), records that it ran, and the
// content says which hooks ran before it. As mod_python's test_phase_status.
const PHASES_SITE = {
  "_calls.ts": `export const calls: string[] = [];`,
  "p/_directory.ts": `${REQ}
import { calls } from "../_calls.ts";
const hook = (name: string) => (req: Req) => {
  calls.push(name);
  const said = req.query.get(name);
  if (said === "user") { req.user = "ann"; return "OK"; }
  if (said === "DONE") req.write(\`done by \${name}\`);
  return said === null ? undefined : /^\\d+$/.test(said) ? Number(said) : said;
};
export const access = [hook("access1"), hook("access2")];
export const authen = [hook("authen1"), hook("authen2")];
export const authz = [hook("authz1"), hook("authz2")];
export const fixup = [hook("fixup1"), hook("fixup2")];
export const config = { realm: "Phases" };
`,
  "p/index.ts": `import { calls } from "../_calls.ts";
export function index() { const ran = calls.join(","); calls.length = 0; return ran; }`,
  "calls.ts": `import { calls } from "./_calls.ts";
export function index() { const ran = calls.join(","); calls.length = 0; return ran; }`,
};

Deno.test("directories: each phase's stacking rule", async () => {
  await using s = await serveRoot(await tempTree(PHASES_SITE));
  const run = async (query: string) => {
    const res = await s.fetch(`/p/?${query}`);
    const body = await res.text();
    const calls = await (await s.fetch("/calls")).text();
    return { status: res.status, body, calls, res };
  };
  const all = "access1,access2,authen1,authen2,authz1,authz2,fixup1,fixup2";
  // Nothing said: access and fixup go on through OK; authen's OK needs a user (500).
  assert.equal((await run("")).status, 500);
  assert.equal((await run("")).calls, "access1,access2,authen1");
  // DECLINED everywhere: every hook runs, then the content.
  const declined = "access1=DECLINED&authen1=DECLINED&authen2=DECLINED&authz1=DECLINED" +
    "&authz2=DECLINED&fixup1=DECLINED";
  assert.deepEqual(await run(declined).then((r) => [r.status, r.body]), [200, all]);
  // authen and authz stop at the first OK; access and fixup go on through OK.
  const ok = "access1=OK&authen1=user&authz1=OK&fixup1=OK";
  assert.equal((await run(ok)).body, "access1,access2,authen1,authz1,fixup1,fixup2");
  // DONE ends the request with what was written; later hooks and the content do not run.
  const done = await run("access1=DONE");
  assert.deepEqual([done.status, done.body, done.calls], [200, "done by access1", "access1"]);
  const fixupDone = await run("authen1=user&fixup2=DONE");
  assert.equal(fixupDone.body, "done by fixup2");
  // A status ends the request with it; 401 carries the directory's Basic challenge.
  const forbidden = await run("access2=403");
  assert.deepEqual([forbidden.status, forbidden.calls], [403, "access1,access2"]);
  const challenged = await run("authen1=DECLINED&authen2=401");
  assert.equal(challenged.status, 401);
  assert.equal(challenged.res.headers.get("www-authenticate"), 'Basic realm="Phases"');
  assert.equal(challenged.calls, "access1,access2,authen1,authen2");
  const authz = await run("authen1=user&authz1=DECLINED&authz2=403");
  assert.deepEqual([authz.status, authz.calls], [403, "access1,access2,authen1,authz1,authz2"]);
  // Anything else from a hook is an error.
  assert.equal((await run("access1=maybe")).status, 500);
});

Deno.test("directories: hooks run parent first; log and cleanup run after the response", async () => {
  const gate = Promise.withResolvers<void>();
  const finished = Promise.withResolvers<string[]>();
  const g = globalThis as Record<string, unknown>;
  g.__modtsTestGate = gate.promise;
  g.__modtsTestFinished = finished.resolve;
  await using s = await serveRoot(
    await tempTree({
      "_calls.ts": `export const calls: string[] = [];`,
      "_directory.ts": `import { calls } from "./_calls.ts";
export const fixup = () => { calls.push("root fixup"); };
export const log = async () => {
  await (globalThis as any).__modtsTestGate;
  calls.push("root log");
};
export const cleanup = () => { calls.push("root cleanup"); };`,
      "sub/_directory.ts": `import { calls } from "../_calls.ts";
export const fixup = () => { calls.push("sub fixup"); };
export const log = () => { calls.push("sub log"); };`,
      "sub/index.ts": `import { calls } from "../_calls.ts";
export function index(req) {
  // Added hooks run after the directories' hooks of their phase.
  req.addHandler("cleanup", () => {
    calls.push("added cleanup");
    (globalThis as any).__modtsTestFinished([...calls]);
  });
  calls.push("content");
  return "hi";
}`,
    }),
  );
  // The log hook waits on a gate that opens only after the whole response has arrived.
  const res = await s.fetch("/sub/");
  assert.equal(await res.text(), "hi");
  gate.resolve();
  assert.deepEqual(await finished.promise, [
    "root fixup",
    "sub fixup",
    "content",
    "root log",
    "sub log",
    "root cleanup",
    "added cleanup",
  ]);
});

Deno.test("directories: a mounted Hono app sees the path below it, and nothing else", async () => {
  await using s = await serveRoot(
    await tempTree({
      // The site's own deno.json maps "hono", as a user's would.
      "deno.json": JSON.stringify({ imports: { hono: "npm:hono@4.13.19" } }),
      "app/_directory.ts": `import { Hono } from "hono";
const app = new Hono<{ Bindings: { mountPath: string } }>();
app.get("*", (c) => {
  const u = new URL(c.req.url);
  return c.text(\`\${u.pathname}\${u.search} at \${c.env.mountPath}\`);
});
export default app;`,
      "app/file.txt": "the app decides",
      "apple.txt": "not the app's",
    }),
  );
  assert.equal(await (await s.fetch("/app/x?q=1")).text(), "/x?q=1 at /app");
  assert.equal(await (await s.fetch("/app/file.txt")).text(), "/file.txt at /app");
  assert.equal(await (await s.fetch("/app/")).text(), "/ at /app");
  assert.equal(await (await s.fetch("/app/_private")).text(), "/_private at /app");
  assert.equal(await (await s.fetch("/apple.txt")).text(), "not the app's");
  const apple = await s.fetch("/apple");
  assert.equal(apple.status, 404);
  await apple.body?.cancel();
});

Deno.test("directories: output and input filters; 1 MiB through a filter byte for byte", async () => {
  const big = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) % 256);
  await using s = await serveRoot(
    await tempTree({
      "up/_directory.ts": `export const outputFilters = (req) => new TransformStream({
  transform(chunk, c) { c.enqueue(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase())); },
});
export const inputFilters = () => new TransformStream({
  transform(chunk, c) { c.enqueue(chunk.map((b) => b === 0x61 ? 0x62 : b)); },
});`,
      "up/hello.txt": "hello, filters",
      "up/echo.ts": `export async function index(req) { return await req.raw.text(); }`,
      "up/more.ts": `export function index(req) {
  req.addOutputFilter(() => new TransformStream({ transform(c, k) { k.enqueue(c); k.enqueue(new TextEncoder().encode("!")); } }));
  return "quiet";
}`,
      // Re-chunks everything into 1000-byte pieces.
      "chunks/_directory.ts": `export const outputFilters = () => {
  let rest = new Uint8Array(0);
  return new TransformStream({
    transform(chunk, c) {
      const all = new Uint8Array(rest.length + chunk.length); all.set(rest); all.set(chunk, rest.length);
      let at = 0; for (; at + 1000 <= all.length; at += 1000) c.enqueue(all.slice(at, at + 1000));
      rest = all.slice(at);
    },
    flush(c) { if (rest.length) c.enqueue(rest); },
  });
};`,
      "chunks/big.bin": big,
    }),
  );
  const hello = await s.fetch("/up/hello.txt");
  assert.equal(await hello.text(), "HELLO, FILTERS");
  assert.equal(hello.headers.get("content-length"), null);
  const echo = await s.fetch("/up/echo", { method: "POST", body: "banana" });
  assert.equal(await echo.text(), "BBNBNB");
  assert.equal(await (await s.fetch("/up/more")).text(), "QUIET!");
  const got = new Uint8Array(await (await s.fetch("/chunks/big.bin")).arrayBuffer());
  assert.equal(got.length, big.length);
  assert.ok(got.every((b, i) => b === big[i]), "byte for byte");
});

Deno.test("directories: compression is negotiated and skips small, encoded and ranged bodies", async () => {
  const text = "modts compresses this line.\n".repeat(400);
  await using s = await serveRoot(
    await tempTree({
      "z/_directory.ts": `export const config = { compress: true };`,
      "z/big.txt": text,
      "z/small.txt": "tiny",
      "z/archive.txt.gz": "x".repeat(5000), // already compressed, by its type
      "z/page.ts": `export const index = () => "<p>" + "x".repeat(5000);`,
      "plain/big.txt": text,
    }),
  );
  const get = (path: string, headers: Record<string, string>) => s.fetch(path, { headers });
  for (const encoding of ["gzip", "br"]) {
    const res = await get("/z/big.txt", { "accept-encoding": encoding });
    assert.equal(res.headers.get("content-encoding"), encoding);
    assert.equal(res.headers.get("vary"), "Accept-Encoding");
    assert.match(res.headers.get("etag") ?? "", /^W\//);
    assert.equal(await res.text(), text); // fetch decodes it
  }
  const dynamic = await get("/z/page", { "accept-encoding": "gzip, br" });
  assert.equal(dynamic.headers.get("content-encoding"), "br");
  assert.equal((await dynamic.text()).length, 5003);
  const identity = await get("/z/big.txt", { "accept-encoding": "identity" });
  assert.equal(identity.headers.get("content-encoding"), null);
  assert.equal(await identity.text(), text);
  const small = await get("/z/small.txt", { "accept-encoding": "gzip" });
  assert.equal(small.headers.get("content-encoding"), null);
  assert.equal(await small.text(), "tiny");
  const gz = await get("/z/archive.txt.gz", { "accept-encoding": "gzip" });
  assert.equal(gz.headers.get("content-type"), "application/gzip");
  assert.equal(gz.headers.get("content-encoding"), null);
  await gz.body?.cancel();
  const ranged = await get("/z/big.txt", { "accept-encoding": "gzip", range: "bytes=0-9" });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.headers.get("content-encoding"), null);
  assert.equal(await ranged.text(), text.slice(0, 10));
  const off = await get("/plain/big.txt", { "accept-encoding": "gzip" });
  assert.equal(off.headers.get("content-encoding"), null);
  await off.body?.cancel();
});

Deno.test("directories: error documents, internal redirects, handlers, directory index", async () => {
  await using s = await serveRoot(
    await tempTree({
      "_directory.ts": `export const config = { errorDocuments: { 404: "/errors/404.psp" } };`,
      "errors/404.psp": "<p>No <%= req.path %> here</p>",
      "go.ts": `export async function index(req) {
  const s = await req.session();
  s.data.via = "go";
  return req.internalRedirect("/target.psp?x=1");
}`,
      "target.psp": "<%= form.get('x') %> <%= session.data.via %> <%= req.path %>",
      "loop.ts": `export const index = (req) => req.internalRedirect("/loop");`,
      "uploads/_directory.ts":
        `export const config = { handlers: { module: false }, directoryIndex: ["home.txt"] };`,
      "uploads/evil.ts": "export const index = () => 'ran';",
      // An error document that fails itself, counted: it is tried once, never in a loop.
      "failing/_directory.ts":
        `export const config = { errorDocuments: { 404: "/failing/doc", 500: "/failing/doc" } };`,
      "failing/_calls.ts": "export const calls: string[] = [];",
      "failing/doc.ts": `import { calls } from "./_calls.ts";
export function index() { calls.push("doc"); throw new Error("the error document fails"); }`,
      "failing/count.ts": `import { calls } from "./_calls.ts";
export function index() { const n = calls.length; calls.length = 0; return String(n); }`,
      "uploads/home.txt": "home",
    }),
  );
  const missing = await s.fetch("/nope");
  assert.equal(missing.status, 404);
  assert.equal(await missing.text(), "<p>No /nope here</p>"); // the request as it came
  const failing = await s.fetch("/failing/nope");
  assert.equal(failing.status, 404);
  assert.match(await failing.text(), /<h1>404 Not Found<\/h1>/);
  assert.equal(await (await s.fetch("/failing/count")).text(), "1");
  const go = await s.fetch("/go");
  assert.match(await go.text(), /^1 go \/target\.psp$/);
  const loop = await s.fetch("/loop");
  assert.equal(loop.status, 500);
  await loop.body?.cancel();
  const evil = await s.fetch("/uploads/evil.ts");
  assert.equal(evil.status, 404);
  assert.doesNotMatch(await evil.text(), /ran|export/);
  assert.equal(await (await s.fetch("/uploads/")).text(), "home");
});

Deno.test("directories: sessions take the directory's cookie name, path and secret", async () => {
  const SID = `${REQ}\nexport async function index(req: Req) {
  const s = await req.session();
  s.data.n = ((s.data.n as number) ?? 0) + 1;
  return \`\${s.data.n} \${s.timeout}\`;
}`;
  await using s = await serveRoot(
    await tempTree({
      "shop/_directory.ts": `export const config = { session: {
  cookieName: "shop", path: "/shop", timeout: 60, secret: "s3cret-for-tests", sameSite: "Strict" } };`,
      "shop/count.ts": SID,
    }),
  );
  const first = await s.fetch("/shop/count");
  assert.equal(await first.text(), "1 60");
  const cookie = first.headers.get("set-cookie")!;
  const m = /^shop=([0-9a-f]{32})\.([A-Za-z0-9%]+); Path=\/shop; HttpOnly; SameSite=Strict$/
    .exec(cookie);
  assert.ok(m, cookie);
  const value = cookie.split(";")[0];
  assert.equal(await (await s.fetch("/shop/count", { headers: { cookie: value } })).text(), "2 60");
  // The bare id, or the id with another signature: a new session.
  for (
    const forged of [`shop=${m[1]}`, `shop=${m[1]}.${encodeURIComponent(btoa("x".repeat(32)))}`]
  ) {
    const res = await s.fetch("/shop/count", { headers: { cookie: forged } });
    assert.equal(await res.text(), "1 60");
    assert.notEqual(res.headers.get("set-cookie")!.slice(5, 37), m[1]);
  }
});

Deno.test("directories: an edited _directory.ts applies on the next request", async () => {
  const root = await tempTree({
    "_directory.ts": `export const config = { options: { v: "1" } };`,
    "show.ts": SHOW_OPTIONS,
  });
  await using s = await serveRoot(root, { fsTtl: 0 });
  assert.deepEqual(await (await s.fetch("/show")).json(), { v: "1" });
  await Deno.writeTextFile(
    join(root, "_directory.ts"),
    `export const config = { options: { v: "22" } };`,
  );
  assert.deepEqual(await (await s.fetch("/show")).json(), { v: "22" });
  await Deno.remove(join(root, "_directory.ts"));
  assert.deepEqual(await (await s.fetch("/show")).json(), {});
});

Deno.test("directories: diagnostics only where enabled, escaped, without the secret", async () => {
  await using s = await serveRoot(
    await tempTree({
      "diag/_directory.ts": `export const config = { diagnostics: true,
  options: { "<key>": "<b>bold</b>" }, session: { secret: "do-not-show-me" } };`,
      "other/index.html": "x",
      "locked/_directory.ts": `export const config = { diagnostics: true };
export const access = () => 403;`,
    }),
  );
  const locked = await s.fetch("/locked/modts-info");
  assert.equal(locked.status, 403);
  await locked.body?.cancel();
  const page = await s.fetch("/diag/modts-info");
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /&lt;key&gt;.*&lt;b&gt;bold&lt;\/b&gt;/s);
  assert.match(html, /deno \d/);
  assert.match(html, /\(set\)/);
  assert.doesNotMatch(html, /do-not-show-me|<b>bold/);
  const off = await s.fetch("/other/modts-info");
  assert.equal(off.status, 404);
  await off.body?.cancel();
});

Deno.test("check reports a _directory.ts modts does not understand", async () => {
  const root = await tempTree({
    "a/_directory.ts": `export const acess = () => "OK";`,
    "b/_directory.ts": `export const config = { options: { x: "1" }, debug: "yes" };`,
    "c/_directory.ts": `export const config = { debug: true }; export const fixup = () => {};`,
  });
  const r = await runCli(["check", root]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /a\/_directory\.ts: unknown export "acess"/);
  assert.match(r.stdout, /b\/_directory\.ts: config\.debug must be true or false/);
  assert.doesNotMatch(r.stdout, /c\/_directory\.ts/);
});
