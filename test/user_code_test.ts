// Users' code as real Deno code: the public `modts` module, the site's own deno.json, pages
// that import modules, `import.meta.hot`, forms as browsers send them, private members.
// (The module language itself is proven against `deno run` in conformance_test.ts.)
import assert from "node:assert/strict";
import { join } from "node:path";
import { locatedError, PROJECT, serveRoot, spawnTask, tempTree } from "./helpers.ts";

const HONO = "npm:hono@4.13.19";

Deno.test("a site's deno.json: npm package, a ./lib/ prefix, a scope, JSX from hono/jsx", async () => {
  const base = await tempTree({
    "deno.json": JSON.stringify({
      imports: {
        "hono": HONO,
        "@lib/": "./lib/",
        "pick": "./lib/pick_a.ts",
      },
      scopes: { "./public/scoped/": { "pick": "./lib/pick_b.ts" } },
      compilerOptions: { jsx: "react-jsx", jsxImportSource: "hono/jsx" },
    }),
    "lib/greet.ts": `export const greet = (n: string) => "hi " + n;`,
    "lib/pick_a.ts": `export const which = "a";`,
    "lib/pick_b.ts": `export const which = "b";`,
    "public/uses.ts": `
import { Hono } from "hono";
import { greet } from "@lib/greet.ts";
import { which } from "pick";
export function index() { return { hono: typeof Hono, greet: greet("you"), which }; }`,
    "public/scoped/uses.ts": `import { which } from "pick";\nexport const index = () => which;`,
    "public/page.tsx": `
export function index(name = "world") {
  return <main><h1>Hello, {name}!</h1><p>{"<escaped>"}</p></main>;
}
export async function later() {
  const Slow = async () => <b>awaited</b>;
  return <div><Slow /></div>;
}`,
  });
  await using s = await serveRoot(join(base, "public"));
  assert.deepEqual(await (await s.fetch("/uses")).json(), {
    hono: "function",
    greet: "hi you",
    which: "a",
  });
  assert.equal(await (await s.fetch("/scoped/uses")).text(), "b");
  const page = await s.fetch("/page?name=%3Cyou%3E");
  assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(
    await page.text(),
    "<main><h1>Hello, &lt;you&gt;!</h1><p>&lt;escaped&gt;</p></main>",
  );
  assert.equal(await (await s.fetch("/page/later")).text(), "<div><b>awaited</b></div>");
});

Deno.test("editing the site's deno.json takes effect like editing a module", async () => {
  const base = await tempTree({
    "deno.json": JSON.stringify({ imports: { "which": "./lib/a.ts" } }),
    "lib/a.ts": `export default "a";`,
    "lib/b.ts": `export default "b";`,
    "public/w.ts": `import w from "which";\nexport const index = () => w;`,
  });
  await using s = await serveRoot(join(base, "public"), { fsTtl: 0 });
  assert.equal(await (await s.fetch("/w")).text(), "a");
  await Deno.writeTextFile(join(base, "deno.json"), `{ "imports": { "which": "./lib/b.ts" } }`);
  assert.equal(await (await s.fetch("/w")).text(), "b");
  // A bare name no config maps is a clear 500 naming it and the importing file.
  await Deno.writeTextFile(join(base, "deno.json"), `{ "imports": {} }`);
  await using d = await serveRoot(join(base, "public"), { debug: true });
  const res = await d.fetch("/w");
  assert.equal(res.status, 500);
  const body = await res.text();
  assert.match(locatedError(body), /w\.ts:1:\d+: import &quot;which&quot; is not a dependency/);
  assert.match(body, /<span class="n">1<\/span> {2}import w from &quot;which&quot;;/);
});

Deno.test("HttpError from modts gives its status in modules, pages and hooks", async () => {
  const root = await tempTree({
    "mod.ts": `
import { HttpError, type Req } from "modts";
export function gone(req: Req) { throw new HttpError(410, "Gone for " + req.method); }`,
    "page.psp":
      `<% const { HttpError } = await import("modts"); throw new HttpError(418, "teapot"); %>`,
    "hooked/_directory.ts": `
import { HttpError, type Req } from "modts";
export function access(req: Req) { if (req.query.get("deny")) throw new HttpError(451); }`,
    "hooked/index.html": "open",
    "bypath.ts": `
import { HttpError } from "${new URL("../mod.ts", import.meta.url).href}";
export function index() { throw new HttpError(409, "by path"); }`,
  });
  await using s = await serveRoot(root);
  const gone = await s.fetch("/mod/gone");
  assert.equal(gone.status, 410);
  assert.match(await gone.text(), /Gone for GET/);
  const page = await s.fetch("/page.psp");
  assert.equal(page.status, 418);
  assert.match(await page.text(), /teapot/);
  assert.equal((await s.fetch("/hooked/?deny=1")).status, 451);
  assert.equal(await (await s.fetch("/hooked/")).text(), "open");
  const byPath = await s.fetch("/bypath");
  assert.equal(byPath.status, 409);
  assert.match(await byPath.text(), /by path/);
});

Deno.test("pages import modules, statically and dynamically, and see their edits", async () => {
  const root = await tempTree({
    "_lib/db.ts": `export const rows = ["one"];\nexport const version = 1;`,
    "static.psp": `<%@ import { rows, version } from "./_lib/db.ts" %>
<% for (const r of rows) { %><%= r %>,<% } %>v<%= version %>`,
    "dynamic.psp": `<% const db = await import("./_lib/db.ts"); %>v<%= db.version %>`,
    "sub/nested.psp": `<%@ include file="/_parts/part.psp" %>`,
    "_parts/part.psp": `<%@ import { version } from "../_lib/db.ts" %>part v<%= version %>`,
    "same.ts": `
import * as db from "./_lib/db.ts";
export async function index() { return (await import("./_lib/db.ts")) === db; }`,
  });
  await using s = await serveRoot(root, { fsTtl: 0 });
  assert.equal(await (await s.fetch("/static.psp")).text(), "\none,v1");
  assert.equal(await (await s.fetch("/dynamic.psp")).text(), "v1");
  assert.equal(await (await s.fetch("/sub/nested.psp")).text(), "part v1");
  assert.equal(await (await s.fetch("/same")).text(), "true");
  await Deno.writeTextFile(
    join(root, "_lib/db.ts"),
    `export const rows = ["one", "two"];\nexport const version = 2;`,
  );
  assert.equal(await (await s.fetch("/static.psp")).text(), "\none,two,v2");
  assert.equal(await (await s.fetch("/dynamic.psp")).text(), "v2");
  assert.equal(await (await s.fetch("/sub/nested.psp")).text(), "part v2");
});

Deno.test("import.meta.hot: dispose runs before the new version evaluates, and at shutdown", async () => {
  const root = await tempTree({
    "db.ts": `
const events = (globalThis as any).__hotEvents ??= [];
const version = 1;
events.push("open " + version);
import.meta.hot?.dispose((data) => {
  events.push("close " + version);
  data.closed = ((data.closed as number) ?? 0) + 1;
});
export const index = () => ({ events, closedBefore: import.meta.hot?.data.closed ?? 0 });`,
  });
  const g = globalThis as { __hotEvents?: string[] };
  g.__hotEvents = [];
  const s = await serveRoot(root, { fsTtl: 0 });
  try {
    assert.deepEqual(await (await s.fetch("/db")).json(), { events: ["open 1"], closedBefore: 0 });
    for (const v of [2, 3, 4]) {
      const text = await Deno.readTextFile(join(root, "db.ts"));
      await Deno.writeTextFile(join(root, "db.ts"), text.replace(/version = \d/, `version = ${v}`));
      await s.fetch("/db").then((r) => r.body?.cancel());
    }
    assert.deepEqual(await (await s.fetch("/db")).json(), {
      events: ["open 1", "close 1", "open 2", "close 2", "open 3", "close 3", "open 4"],
      closedBefore: 3,
    });
  } finally {
    await s[Symbol.asyncDispose]();
  }
  assert.deepEqual(g.__hotEvents.slice(-2), ["open 4", "close 4"]);
});

Deno.test("forms as browsers send them", async () => {
  const root = await tempTree({
    "form.ts": `
import type { Upload } from "modts";
export function person(name: string, age?: number, admin = false) { return { name, age: age ?? null, admin }; }
export function tags(tags: string[] = [], loose?: string[]) { return { tags, loose: loose ?? null }; }
export function any(x) { return { x }; }
export function photo(note: string, file?: Upload) { return { note, file: file?.filename ?? null }; }
export function needsFile(file: Upload) { return file.filename; }`,
  });
  await using s = await serveRoot(root);
  const json = async (path: string, init?: RequestInit) => {
    const r = await s.fetch(path, init);
    return { status: r.status, body: await r.text() };
  };
  assert.deepEqual(JSON.parse((await json("/form/person?name=ann&age=&admin=")).body), {
    name: "ann",
    age: null,
    admin: false,
  });
  const noName = await json("/form/person?name=&age=3");
  assert.equal(noName.status, 400);
  assert.match(noName.body, /Missing required parameter &quot;name&quot;/);
  assert.deepEqual(JSON.parse((await json("/form/tags?tags[]=a&tags[]=b&tags[]=")).body), {
    tags: ["a", "b"],
    loose: null,
  });
  assert.deepEqual(JSON.parse((await json("/form/any?x[]=only")).body), { x: ["only"] });
  const empty = new FormData();
  empty.append("note", "n");
  empty.append("file", new File([], ""));
  assert.deepEqual(JSON.parse((await json("/form/photo", { method: "POST", body: empty })).body), {
    note: "n",
    file: null,
  });
  const required = new FormData();
  required.append("file", new File([], ""));
  const missing = await json("/form/needsFile", { method: "POST", body: required });
  assert.equal(missing.status, 400);
  assert.match(missing.body, /Missing required parameter &quot;file&quot; \(an uploaded file\)/);
});

Deno.test("private and protected members are refused like _ names", async () => {
  const root = await tempTree({
    "_lib/base.ts": `
export class Base {
  protected audit() { return "audit"; }
  shared() { return "shared"; }
}`,
    "api.ts": `
import { Base } from "./_lib/base.ts";
class Api extends Base {
  constructor(private token = "t0ken", public open = "open") { super(); }
  private secret() { return "secret"; }
  protected get inner() { return "inner"; }
  hello() { return "hello"; }
}
export const api = new Api();`,
  });
  await using s = await serveRoot(root);
  for (
    const [path, status, body] of [
      ["/api/api/hello", 200, "hello"],
      ["/api/api/shared", 200, "shared"],
      ["/api/api/open", 200, "open"],
      ["/api/api/secret", 403, null],
      ["/api/api/inner", 403, null],
      ["/api/api/token", 403, null],
      ["/api/api/audit", 403, null],
    ] as const
  ) {
    const r = await s.fetch(path);
    const text = await r.text();
    assert.equal(r.status, status, path);
    if (body !== null) assert.equal(text, body, path);
  }
});

Deno.test("unknown keys in a _directory.ts config are errors", async () => {
  const root = await tempTree({
    "a/_directory.ts": `export const config = { debugg: true };`,
    "a/x.txt": "x",
    "b/_directory.ts": `export const config = { session: { cookiename: "s" } };`,
    "b/x.txt": "x",
    "c/_directory.ts": `export const config = { session: { timeout: "10" } };`,
    "c/x.txt": "x",
  });
  await using s = await serveRoot(root);
  for (
    const [dir, message] of [
      ["a", /unknown key config\.debugg/],
      ["b", /unknown key config\.session\.cookiename/],
      ["c", /config\.session\.timeout must be a number/],
    ] as const
  ) {
    const r = await s.fetch(`/${dir}/x.txt`);
    assert.equal(r.status, 500, dir);
    await r.body?.cancel();
    assert.match(s.logs.join("\n"), message, dir);
  }
});

Deno.test("serving a site that imports npm: packages leaves modts's deno.lock as it was", async () => {
  const lock = join(PROJECT, "deno.lock");
  const before = await Deno.readTextFile(lock);
  const root = await tempTree({
    "deno.json": JSON.stringify({ imports: { "is-odd": "npm:is-odd@3.0.1" } }),
    "public/odd.ts": `
import isOdd from "is-odd";
import isNumber from "npm:is-number@7.0.0";
export const index = (n = 3) => ({ odd: isOdd(n), number: isNumber(n) });`,
  });
  const data = await Deno.makeTempDir();
  const server = await spawnTask(PROJECT, [
    "start",
    join(root, "public"),
    "--port",
    "0",
    "--kv",
    ":memory:",
    "--data-dir",
    data,
  ]);
  try {
    assert.deepEqual(await (await fetch(`${server.url}odd?n=7`)).json(), {
      odd: true,
      number: true,
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
  assert.equal(await Deno.readTextFile(lock), before);
});

Deno.test("with debug on, module errors show file:line:col, an escaped excerpt, user frames first", async () => {
  const root = await tempTree({
    "syntax.tsx": `export const a = 1;\nexport const b = (x: number => "<x>";\n`,
    "boom.ts":
      `export function index() {\n  const x = "<b>";\n  throw new Error("boom " + x);\n}\n`,
    "top.ts": `export const a = 1;\nconst o: any = null;\no.x = 2;\n`,
  });
  await using s = await serveRoot(root, { debug: true });
  const syntax = await (await s.fetch("/syntax")).text();
  assert.ok(
    locatedError(syntax).startsWith(`${root}/syntax.tsx:2:37: syntax error: Expected &#39;,&#39;`),
  );
  assert.ok(
    syntax.includes(
      `<span class="n">2</span>  export const b = (x: number =&gt; &quot;&lt;x&gt;&quot;;\n`,
    ),
  );
  assert.ok(!syntax.includes("swc"), "no compiler internals");
  const boom = await (await s.fetch("/boom")).text();
  assert.equal(locatedError(boom), `${root}/boom.ts:3:9: Error: boom &lt;b&gt;`);
  assert.ok(boom.includes(`<pre>at Module.index (file://${root}/boom.ts:3:9)</pre>`));
  assert.match(
    boom,
    /<details><summary>\d+ frames of modts, the runtime and npm packages<\/summary>/,
  );
  const top = await (await s.fetch("/top")).text();
  assert.ok(
    locatedError(top).startsWith(`${root}/top.ts:3:5: TypeError: Cannot set properties of null`),
  );
  assert.ok(top.includes('<span class="n">3</span>  o.x = 2;\n'));
});

Deno.test("package.json dependencies resolve as npm: packages, at the installed version", async () => {
  const base = await tempTree({
    "package.json": JSON.stringify({
      dependencies: { "underscore": "~1.12.0" },
      devDependencies: { "is-odd": "3.0.1" },
    }),
    // As npm leaves it: the version installed (1.13.6) is the one served, not the range's.
    "node_modules/underscore/package.json": JSON.stringify({
      name: "underscore",
      version: "1.13.6",
    }),
    "public/pkg.ts": `
import { VERSION } from "underscore";
import isOdd from "is-odd";
export const index = () => ({ VERSION, odd: isOdd(7), resolved: import.meta.resolve("is-odd") });`,
  });
  await using s = await serveRoot(join(base, "public"));
  assert.deepEqual(await (await s.fetch("/pkg")).json(), {
    VERSION: "1.13.6",
    odd: true,
    resolved: "npm:is-odd@3.0.1",
  });
});

Deno.test("what the dispatcher needs is not reachable from user code", async () => {
  const root = await tempTree({
    "peek.ts": `
import type { Req } from "modts";
export async function index(req: Req) {
  const session = await req.session();
  const r = req as unknown as Record<string, unknown>;
  const s = session as unknown as Record<string, unknown>;
  const internals = ["site", "settings", "run", "cleanup", "takeSession", "target", "parts", "respondWith"];
  return {
    req: internals.filter((k) => r[k] !== undefined),
    session: ["handle", "close"].filter((k) => s[k] !== undefined),
    own: Object.keys(req).sort(),
  };
}`,
  });
  await using s = await serveRoot(root);
  assert.deepEqual(await (await s.fetch("/peek")).json(), {
    req: [],
    session: [],
    own: ["filename", "method", "options", "path", "pathInfo"],
  });
});
