import assert from "node:assert/strict";
import { serveRoot, tempTree } from "./helpers.ts";

const MODULES = {
  "hello.ts": `
import { secretHelper } from "./_lib/helper.ts";
export function say(what = "world") { return "Hello, " + what + "!"; }
export function index() { return "hello index"; }
export const version = "1.0";
export const used = secretHelper;
`,
  "_lib/helper.ts": `export function secretHelper() { return "helper"; }\nexport const other = 1;`,
  "index.ts": `
export function index() { return "root index"; }
export function foobar(x = "") { return "foobar " + x; }
`,
  "def.ts": `export default function (n: number) { return n * 2; }`,
  "tree.ts": `
class Calc {
  factor = 3;
  times(n: number) { return n * this.factor; }
  static make() { return new Calc(); }
}
export const calc = new Calc();
export const root = { page1: { sub() { return "sub"; } }, "v1.2": { x: () => "dotted" } };
export function fn() { return "fn"; }
export const tagged = Object.assign(() => "tagged", { child: () => "child" });
export { Calc };
export * as ns from "./_lib/helper.ts";
export const parse = JSON.parse;
export const bound = fn.bind(null);
export const list = [1, 2, 3];
`,
  "args.ts": `
import type { Upload } from "modts";
export function typed(n: number, b: boolean, tags: string[], nums: number[], opt?: string) {
  return { n, b, tags, nums, opt: opt ?? null };
}
export function loose(a, b = "dflt") { return { a, b }; }
export function special(req, form) { return { method: req.method, keys: [...form.keys()] }; }
export async function upload(file: Upload, note: string) {
  return { name: file.filename, size: file.size, body: await Deno.readTextFile(file.path), note };
}
export const arrow = (x: number | undefined, y: Array<number> = []) => ({ x: x ?? null, y });
`,
  "results.ts": `
export const html = () => "<!DOCTYPE html><p>hi";
export const tailHtml = () => "<p>x</p></html>  ";
export const text = () => "<p>not html at the start";
export const num = () => 42;
export const obj = () => ({ a: [1, "two"] });
export const resp = () => new Response("raw", { status: 201, headers: { "x-r": "1" } });
export const bytes = () => new Uint8Array([104, 105]);
export const stream = () => ReadableStream.from([new TextEncoder().encode("s1"), new TextEncoder().encode("s2")]);
export function* gen() { yield "g1"; yield "g2"; }
export async function* agen() { yield "a1"; yield "a2"; }
export function written(req) { req.write("first,"); return "second"; }
export function typedOut(req) { req.contentType = "text/csv"; return "a,b"; }
export function nothing(req) { req.write("only written"); }
export const empty = () => undefined;
export async function streamed(req) {
  req.contentType = "text/plain";
  req.write("head;");
  await req.flush();
  await new Promise((r) => setTimeout(r, 10));
  req.write("more;");
  return "tail";
}
export const boom = () => { throw new Error("kaboom"); };
`,
  "methods.ts": `
export const get = () => "get";
export const put = Object.assign(() => "put ok", { methods: ["PUT"] });
`,
  "constants.ts": `
export const __access__ = false;
export const index = () => "never";
`,
  "anyone.ts": `
export const __auth__ = true;
export function index(req) { return "hello " + req.user; }
`,
  "auth.ts": `
export const __auth__ = { alice: "wonder", bob: "builder" };
export const __access__ = ["alice"];
export const __auth_realm__ = "Secret Area";
export function whoami(req) { return req.user; }
`,
  "fnauth.ts": `
export const open = () => "open";
export const closed = Object.assign((req) => "hi " + req.user, {
  __auth__: (req, user, pass) => user === "carol" && pass === "pw",
  __auth_realm__: "fn realm",
});
`,
  "a/same.ts": `export const index = () => "from a";`,
  "b/same.ts": `export const index = () => "from b";`,
};

async function site(overrides = {}) {
  return await serveRoot(await tempTree(MODULES), overrides);
}

async function get(
  s: { fetch(p: string, i?: RequestInit): Promise<Response> },
  path: string,
  init?: RequestInit,
) {
  const res = await s.fetch(path, init);
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text(), res };
}

Deno.test("publisher: URLs to modules and exports", async () => {
  await using s = await site();
  const cases: Array<[string, string]> = [
    ["/hello/say?what=you", "Hello, you!"],
    ["/hello.ts/say?what=ts", "Hello, ts!"],
    ["/hello/say", "Hello, world!"],
    ["/hello", "hello index"],
    ["/hello/", "hello index"],
    ["/hello.ts", "hello index"],
    ["/hello/version", "1.0"],
    ["/", "root index"],
    ["/foobar?x=1", "foobar 1"],
    ["/def?n=21", "42"],
    ["/tree/calc/times?n=5", "15"],
    ["/tree/root/page1/sub", "sub"],
    ["/tree/root/v1.2/x", "dotted"],
    ["/tree/tagged", "tagged"],
    ["/tree/tagged/child", "child"],
    ["/a/same", "from a"],
    ["/b/same", "from b"],
  ];
  for (const [path, body] of cases) {
    const r = await get(s, path);
    assert.equal(r.status, 200, path);
    assert.equal(r.body, body, path);
  }
});

Deno.test("publisher: refusals", async () => {
  await using s = await site();
  const cases: Array<[string, number]> = [
    ["/hello/_private", 403],
    ["/hello/__auth__", 403],
    ["/tree/Calc", 403],
    ["/tree/Calc/make", 403],
    ["/tree/ns", 403],
    ["/tree/ns/secretHelper", 403],
    ["/tree/parse", 403],
    ["/tree/bound", 403],
    ["/tree/fn/name", 403],
    ["/tree/fn/length", 403],
    ["/tree/fn/call", 403],
    ["/tree/fn/apply", 403],
    ["/tree/fn/constructor", 403],
    ["/tree/fn/prototype", 403],
    ["/tree/fn/toString", 403],
    ["/tree/calc/constructor", 403],
    ["/tree/calc/toString", 403],
    ["/tree/calc/hasOwnProperty", 403],
    ["/tree/calc/__proto__", 403],
    ["/tree/root/toString", 403],
    ["/tree/root/valueOf", 403],
    ["/tree/list/length", 404],
    ["/tree/list/0", 404],
    ["/tree/root/missing", 404],
    ["/hello/secretHelper", 404],
    ["/hello/nothing", 404],
    ["/hello/toString", 404],
    ["/hello/constructor", 404],
    ["/nosuchmodule/x", 404],
  ];
  for (const [path, status] of cases) {
    const r = await get(s, path);
    assert.equal(r.status, status, path);
    assert.ok(!r.body.includes("secretHelper"), path);
  }
});

Deno.test("publisher: methods", async () => {
  await using s = await site();
  const put = await get(s, "/methods/get", { method: "PUT" });
  assert.equal(put.status, 405);
  assert.equal(put.res.headers.get("allow"), "GET, HEAD, POST");
  const del = await get(s, "/methods/put", { method: "DELETE" });
  assert.equal(del.res.headers.get("allow"), "GET, HEAD, POST, PUT");
  assert.equal((await get(s, "/methods/put", { method: "PUT" })).body, "put ok");
  assert.equal((await get(s, "/methods/get", { method: "POST" })).body, "get");
  const head = await get(s, "/methods/get", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.body, "");
  assert.equal(head.res.headers.get("content-length"), "3");
});

Deno.test("publisher: typed arguments and their 400s", async () => {
  await using s = await site();
  const ok = await get(s, "/args/typed?n=2.5&b=YES&tags=a&tags=&nums=1&nums=-2e3&junk=1");
  assert.equal(ok.status, 200);
  assert.equal(ok.type, "application/json");
  assert.deepEqual(JSON.parse(ok.body), {
    n: 2.5,
    b: true,
    tags: ["a"],
    nums: [1, -2000],
    opt: null,
  });
  const bad: Array<[string, RegExp]> = [
    ["n=x&b=1&tags=a&nums=1", /Parameter &quot;n&quot; expects a number, got &quot;x&quot;/],
    ["n=&b=1&tags=a&nums=1", /Missing required parameter &quot;n&quot; \(a number\)/],
    ["n=1&n=2&b=1&tags=a&nums=1", /&quot;n&quot; expects a number, got several values/],
    ["n=1&b=maybe&tags=a&nums=1", /&quot;b&quot; expects a boolean/],
    ["n=1&b=0&tags=a&nums=1&nums=z", /&quot;nums&quot; expects numbers, got &quot;z&quot;/],
    ["n=1&b=0&nums=1", /Missing required parameter &quot;tags&quot; \(text values\)/],
  ];
  for (const [query, pattern] of bad) {
    const r = await get(s, `/args/typed?${query}`);
    assert.equal(r.status, 400, query);
    assert.match(r.body, pattern, query);
  }
  const loose = await get(s, "/args/loose?a=1&a=2");
  assert.deepEqual(JSON.parse(loose.body), { a: ["1", "2"], b: "dflt" });
  // Unannotated and without a default, a blank field is "" (typed by its default, it is absent).
  const blank = await get(s, "/args/loose?a=&b=");
  assert.deepEqual(JSON.parse(blank.body), { a: "", b: "dflt" });
  const missing = await get(s, "/args/loose");
  assert.equal(missing.status, 400);
  assert.match(missing.body, /Missing required parameter &quot;a&quot;/);
  const arrow = await get(s, "/args/arrow?y=4&y=5");
  assert.deepEqual(JSON.parse(arrow.body), { x: null, y: [4, 5] });
});

Deno.test("publisher: arguments from bodies, req and form", async () => {
  await using s = await site();
  const posted = await get(s, "/args/loose?b=fromquery", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "a=fromBody",
  });
  assert.deepEqual(JSON.parse(posted.body), { a: "fromBody", b: "fromquery" });
  const special = await get(s, "/args/special?x=1&y=2", { method: "POST" });
  assert.deepEqual(JSON.parse(special.body), { method: "POST", keys: ["x", "y"] });
  const fd = new FormData();
  fd.append("file", new File(["file body"], "notes.txt"));
  fd.append("note", "hi");
  const up = await get(s, "/args/upload", { method: "POST", body: fd });
  assert.deepEqual(JSON.parse(up.body), {
    name: "notes.txt",
    size: 9,
    body: "file body",
    note: "hi",
  });
  const notFile = await get(s, "/args/upload?file=text&note=x");
  assert.equal(notFile.status, 400);
  assert.match(notFile.body, /expects an uploaded file/);
});

Deno.test("publisher: results", async () => {
  await using s = await site();
  const cases: Array<[string, string | null, string]> = [
    ["html", "text/html; charset=utf-8", "<!DOCTYPE html><p>hi"],
    ["tailHtml", "text/html; charset=utf-8", "<p>x</p></html>  "],
    ["text", "text/plain;charset=UTF-8", "<p>not html at the start"],
    ["num", "text/plain;charset=UTF-8", "42"],
    ["obj", "application/json", '{"a":[1,"two"]}'],
    ["bytes", "application/octet-stream", "hi"],
    ["stream", "application/octet-stream", "s1s2"],
    ["gen", "text/plain;charset=UTF-8", "g1g2"],
    ["agen", "text/plain;charset=UTF-8", "a1a2"],
    ["written", "text/plain;charset=UTF-8", "first,second"],
    ["typedOut", "text/csv", "a,b"],
    ["nothing", null, "only written"],
    ["empty", null, ""],
  ];
  for (const [name, type, body] of cases) {
    const r = await get(s, `/results/${name}`);
    assert.equal(r.status, 200, name);
    assert.equal(r.body, body, name);
    if (type !== null) assert.equal(r.type, type, name);
  }
  // A function that flushes: the response starts before it returns, and nothing is lost.
  const streamed = await s.fetch("/results/streamed");
  const reader = streamed.body!.pipeThrough(new TextDecoderStream()).getReader();
  assert.equal((await reader.read()).value, "head;");
  let rest = "";
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
  assert.equal(rest, "more;tail");
  const resp = await get(s, "/results/resp");
  assert.equal(resp.status, 201);
  assert.equal(resp.res.headers.get("x-r"), "1");
  assert.equal(resp.body, "raw");
  const boom = await get(s, "/results/boom");
  assert.equal(boom.status, 500);
  assert.ok(!boom.body.includes("kaboom"));
});

Deno.test("publisher: __auth__, __access__ and realms", async () => {
  await using s = await site();
  const basic = (u: string, p: string) => ({ authorization: `Basic ${btoa(`${u}:${p}`)}` });
  const none = await get(s, "/auth/whoami");
  assert.equal(none.status, 401);
  assert.equal(none.res.headers.get("www-authenticate"), 'Basic realm="Secret Area"');
  const wrong = await get(s, "/auth/whoami", { headers: basic("alice", "nope") });
  assert.equal(wrong.status, 401);
  const denied = await get(s, "/auth/whoami", { headers: basic("bob", "builder") });
  assert.equal(denied.status, 403);
  const ok = await get(s, "/auth/whoami", { headers: basic("alice", "wonder") });
  assert.equal(ok.status, 200);
  assert.equal(ok.body, "alice");
  for (const header of ["Basic !!!notbase64", `Basic ${btoa("no-colon")}`]) {
    const malformed = await get(s, "/auth/whoami", { headers: { authorization: header } });
    assert.equal(malformed.status, 400, header);
  }
  // Constants: __access__ = false refuses everyone; __auth__ = true still wants credentials.
  assert.equal((await get(s, "/constants")).status, 403);
  const anyone = await get(s, "/anyone");
  assert.equal(anyone.status, 401);
  assert.equal(anyone.res.headers.get("www-authenticate"), 'Basic realm="unknown"');
  assert.equal((await get(s, "/anyone", { headers: basic("zed", "x") })).body, "hello zed");
  const digest = { authorization: 'Digest username="x", realm="y"' };
  assert.equal((await get(s, "/fnauth/open", { headers: digest })).body, "open");
  const fnNone = await get(s, "/fnauth/closed");
  assert.equal(fnNone.status, 401);
  assert.equal(fnNone.res.headers.get("www-authenticate"), 'Basic realm="fn realm"');
  assert.equal(
    (await get(s, "/fnauth/closed", { headers: basic("carol", "pw") })).body,
    "hi carol",
  );
});

Deno.test("publisher: an edited module is reloaded; with --no-autoreload it is not", async () => {
  const root = await tempTree({ "live.ts": `export const index = () => "v1";` });
  await using s = await serveRoot(root);
  await using frozen = await serveRoot(root, { autoreload: false });
  assert.equal(await (await s.fetch("/live")).text(), "v1");
  assert.equal(await (await frozen.fetch("/live")).text(), "v1");
  await Deno.writeTextFile(`${root}/live.ts`, `export const index = () => "version two";`);
  let body = "";
  const deadline = Date.now() + 3000;
  while (body !== "version two" && Date.now() < deadline) {
    body = await (await s.fetch("/live")).text();
    if (body !== "version two") await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(body, "version two");
  assert.equal(await (await frozen.fetch("/live")).text(), "v1");
});

/** Polls `path` until its body is `want` (edits show within the server's --fs-ttl). */
async function until(s: { fetch(p: string): Promise<Response> }, path: string, want: string) {
  let body = "";
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    body = await (await s.fetch(path)).text();
    if (body === want) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return body;
}

Deno.test("publisher: editing an imported helper reloads the modules that import it", async () => {
  const root = await tempTree({
    "a.ts":
      `import { greet, hits } from "./_lib/greet.ts";\nexport const index = () => greet() + hits();`,
    "b.ts": `import { hits } from "./_lib/greet.ts";\nexport const index = () => "b" + hits();`,
    "_lib/greet.ts":
      `let n = 0;\nexport const greet = () => "v1:";\nexport const hits = () => ++n;`,
  });
  await using s = await serveRoot(root);
  assert.equal(await (await s.fetch("/a")).text(), "v1:1");
  // One instance of the helper (and its state) for every importer.
  assert.equal(await (await s.fetch("/b")).text(), "b2");
  await Deno.writeTextFile(
    `${root}/_lib/greet.ts`,
    `let n = 100;\nexport const greet = () => "v2:";\nexport const hits = () => ++n;`,
  );
  assert.equal(await until(s, "/a", "v2:101"), "v2:101");
  // b's own check comes due within the TTL too (not necessarily on the same request as a's);
  // calls of its old version count on the old helper, so the new one still stands at 101.
  assert.equal(await until(s, "/b", "b102"), "b102");
});

Deno.test("publisher: modules use npm and node imports, import.meta and top-level await", async () => {
  const root = await tempTree({
    "deps.ts": `
import { Hono } from "npm:hono@4.13.19";
import { basename } from "node:path";
const ready = await Promise.resolve("tla");
export const index = () => [typeof Hono, basename(import.meta.filename!), ready].join(" ");
`,
  });
  await using s = await serveRoot(root);
  assert.equal(await (await s.fetch("/deps")).text(), "function deps.ts tla");
});

Deno.test("check reports module syntax and load errors with file:line", async () => {
  const { runCli } = await import("./helpers.ts");
  const root = await tempTree({
    "site/good.ts": "export const index = () => 1;",
    "site/bad.ts": "export const index = () => 1;\nexport function broken( {\n",
    "site/throws.ts": "export const x = 1;\nthrow new Error('at load');\n",
    "site/typed.ts": "export const index = () => 1;\nexport const n: number = 'text';\n",
  });
  const r = await runCli(["check", `${root}/site`]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /bad\.ts:\d+: /);
  assert.match(r.stdout, /throws\.ts:2: Error: at load \(while the module loaded\)/);
  assert.match(r.stdout, /typed\.ts:2: TS2322: Type 'string' is not assignable to type 'number'/);
  assert.match(r.stdout, /checked 4 files: 3 errors, 0 warnings/);
});
