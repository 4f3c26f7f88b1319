// The same site, the same requests, the same answers: in the server's own isolate, with the
// whole site in one interpreter, and with its folder as an interpreter's prefix. The publisher,
// the module language, `req`, sessions, pages, `_directory.ts` hooks, uploads and reloading
// must not tell the difference.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { InterpreterSpec } from "../src/config/options.ts";
import { interpreterSpec as spec, serveRoot, tempTree } from "./helpers.ts";

const SITE = {
  "app/_directory.ts": `import { DECLINED, OK, type Req } from "modts";
export const config = { options: { area: "app" } };
export function authen(req: Req) {
  if (!req.path.startsWith("/app/private/")) return DECLINED;
  const c = req.basicAuth();
  if (!c || c.password !== "pw") return 401;
  req.user = c.user;
  return OK;
}`,
  "app/hello.ts": `import { HttpError, type Req } from "modts";
export const say = (what = "world") => \`Hello, \${what}!\`;
export const add = (a: number, b: number) => a + b;
export function info(req: Req) {
  return {
    path: req.path, pathInfo: req.pathInfo, query: req.query.get("q"), method: req.method,
    url: req.url.pathname, remoteAddr: req.remoteAddr, isHttps: req.isHttps,
    options: req.options, file: req.filename.endsWith("/app/hello.ts"),
  };
}
export function teapot() { throw new HttpError(418, "I am <short>"); }
export function caught() {
  try { teapot(); } catch (e) { return String(e instanceof HttpError); }
}`,
  "app/lang.ts": `import data from "./data.json" with { type: "json" };
const later = await import("./later.ts");
export const index = () => ({ data, later: later.value, here: import.meta.url.endsWith("/app/lang.ts") });`,
  "app/data.json": '{ "n": 1 }',
  "app/later.ts": "export const value = 'loaded';",
  "app/visits.ts": `import type { Req } from "modts";
export async function index(req: Req) {
  const s = await req.session();
  s.data.n = ((s.data.n as number) ?? 0) + 1;
  return \`\${s.data.n} \${s.isNew}\`;
}
export async function renew(req: Req) { const s = await req.session(); const old = s.id; await s.regenerate(); return String(old !== s.id); }
export async function drop(req: Req) { await (await req.session()).invalidate(); return "dropped"; }`,
  "app/page.psp": `<%@ include file="_parts/head.psp" %><p><%= form.get("name") ?? "nobody" %></p>`,
  "app/_parts/head.psp": "<h1>Page</h1>",
  "app/upload.ts": `import type { Upload } from "modts";
export async function index(file: Upload, note: string) {
  return \`\${file.filename} \${file.size} \${note} \${await Deno.readTextFile(file.path)}\`;
}`,
  "app/style.css": "p { color: red }",
  "app/private/index.ts": `import type { Req } from "modts";
export const index = (req: Req) => "hello " + req.user;`,
  "app/sub/index.html": "<p>sub</p>",
};

const VARIANTS: [string, Record<string, InterpreterSpec> | null][] = [
  ["the server's isolate", null],
  ["the whole site in an interpreter", { "/": spec() }],
  ["/app/ in an interpreter", { "/app/": spec() }],
  ["/app/ in an interpreter's own process", { "/app/": spec({ memory: 256 }) }],
];

for (const [name, interpreters] of VARIANTS) {
  Deno.test(`parity, ${name}: publisher, module language, req and errors`, async () => {
    await using s = await serveRoot(await tempTree(SITE), { interpreters });
    const got = async (path: string, init?: RequestInit) => {
      const res = await s.fetch(path, init);
      return [res.status, await res.text()];
    };
    assert.deepEqual(await got("/app/hello/say?what=%3Cyou%3E"), [200, "Hello, <you>!"]);
    assert.deepEqual(await got("/app/hello/add?a=2&b=3"), [200, "5"]);
    const [status, body] = await got("/app/hello/add?a=two&b=3");
    assert.equal(status, 400);
    assert.match(
      body as string,
      /<p>Parameter &quot;a&quot; expects a number, got &quot;two&quot;.<\/p>/,
    );
    assert.deepEqual(JSON.parse((await got("/app/hello/info?q=1"))[1] as string), {
      path: "/app/hello/info",
      pathInfo: "/info",
      query: "1",
      method: "GET",
      url: "/app/hello/info",
      remoteAddr: "127.0.0.1",
      isHttps: false,
      options: { area: "app" },
      file: true,
    });
    const teapot = await got("/app/hello/teapot");
    assert.equal(teapot[0], 418);
    assert.match(teapot[1] as string, /<p>I am &lt;short&gt;<\/p>/);
    assert.deepEqual(await got("/app/hello/caught"), [200, "true"]);
    assert.deepEqual(await got("/app/lang"), [
      200,
      '{"data":{"n":1},"later":"loaded","here":true}',
    ]);
    assert.deepEqual(await got("/app/sub/"), [200, "<p>sub</p>"]);
    const sub = await s.fetch("/app/sub", { redirect: "manual" });
    assert.deepEqual([sub.status, sub.headers.get("location")], [301, "/app/sub/"]);
    await sub.body?.cancel();
    assert.deepEqual(await got("/app/style.css"), [200, "p { color: red }"]);
    assert.equal((await got("/app/_parts/head.psp"))[0], 403);
    assert.equal((await got("/app/hello.ts.bak"))[0], 404);
    assert.equal((await got("/app/nothing"))[0], 404);
  });

  Deno.test(`parity, ${name}: sessions, pages, hooks, uploads, reloading`, async () => {
    const root = await tempTree(SITE);
    await using s = await serveRoot(root, { interpreters, fsTtl: 0 });
    const first = await s.fetch("/app/visits");
    assert.equal(await first.text(), "1 true");
    const cookie = first.headers.get("set-cookie")!.split(";")[0];
    const again = (path: string, c = cookie) => s.fetch(path, { headers: { cookie: c } });
    assert.equal(await (await again("/app/visits")).text(), "2 false");
    const renewed = await again("/app/visits/renew");
    assert.equal(await renewed.text(), "true");
    const newCookie = renewed.headers.get("set-cookie")!.split(";")[0];
    assert.notEqual(newCookie, cookie);
    assert.equal(await (await again("/app/visits", newCookie)).text(), "3 false");
    assert.equal(await (await again("/app/visits", cookie)).text(), "1 true"); // the old id is gone
    assert.equal(await (await again("/app/visits/drop", newCookie)).text(), "dropped");
    assert.equal(await (await again("/app/visits", newCookie)).text(), "1 true");

    const page = await s.fetch("/app/page.psp", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "name=%3Cb%3Eann",
    });
    assert.equal(await page.text(), "<h1>Page</h1><p>&lt;b&gt;ann</p>");

    const denied = await s.fetch("/app/private/");
    assert.equal(denied.status, 401);
    await denied.body?.cancel();
    const auth = { authorization: `Basic ${btoa("ann:pw")}` };
    assert.equal(await (await s.fetch("/app/private/", { headers: auth })).text(), "hello ann");

    const form = new FormData();
    form.append("note", "n1");
    form.append("file", new File(["file body"], "f.txt", { type: "text/plain" }));
    const up = await s.fetch("/app/upload", { method: "POST", body: form });
    assert.equal(await up.text(), "f.txt 9 n1 file body");

    await Deno.writeTextFile(join(root, "app/hello.ts"), 'export const say = () => "edited";');
    assert.equal(await (await s.fetch("/app/hello/say")).text(), "edited");
  });
}
