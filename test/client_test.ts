// The typed client (`modts/client`) against the real server: the demo calculator and a
// fixture with every kind of parameter and result; the wire format it speaks; its types under
// `deno check`; and the OpenAPI document of the same modules, checked by a validator.
import assert from "node:assert/strict";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { client, ClientError } from "modts/client";
import type * as Calc from "../public/calc.ts";
import type * as Shop from "./fixtures/client_site/shop.ts";
import { PROJECT, runCli, serveRoot, tempTree } from "./helpers.ts";

const SITE = join(PROJECT, "test/fixtures/client_site");

/** The ClientError a call rejects with. */
async function failure(call: Promise<unknown>): Promise<ClientError> {
  try {
    await call;
  } catch (e) {
    if (e instanceof ClientError) return e;
    throw e;
  }
  throw new Error("the call did not fail");
}

Deno.test("client: the demo calculator, values typed as the functions return them", async () => {
  await using s = await serveRoot(join(PROJECT, "public"));
  const calc = client<typeof Calc>(new URL("/calc", s.url));
  const three = await calc.add(1, 2);
  assert.equal(three, 3);
  assert.equal(typeof three, "number");
  assert.equal(await calc.divide(1, 4), 0.25);
  assert.deepEqual(await calc.sum([1, 2, 3]), { count: 3, total: 6 });
  assert.deepEqual(await calc.sum(), { count: 0, total: 0 });
  // The function's own 400 (a Response it returns), and the publisher's naming a parameter.
  const zero = await failure(calc.divide(1, 0));
  assert.equal(zero.status, 400);
  assert.equal(zero.message, "Cannot divide by zero.");
  const wrong = await failure(calc.add("one" as unknown as number, 2));
  assert.equal(wrong.status, 400);
  assert.equal(wrong.message, 'Parameter "a" expects a number, got "one".');
  assert.equal(wrong.url, `${s.url.replace(/\/$/, "")}/calc/add`);
});

Deno.test("client: arrays, booleans, defaults, nested objects, uploads, req, auth, errors", async () => {
  await using s = await serveRoot(SITE);
  const shop = client<typeof Shop>(`${s.url}shop/`);
  assert.equal(await shop.add(2, 3), 5);
  assert.equal(await shop.greet("ann"), "hello ann.");
  assert.equal(await shop.greet("ann", true, 2), "hello ann! hello ann!");
  assert.equal(await shop.greet("ann", undefined, 2), "hello ann. hello ann.");
  assert.deepEqual(await shop.stats([1, 2, 6], ["x", "y"]), {
    count: 3,
    mean: 3,
    labels: ["x", "y"],
  });
  assert.deepEqual(await shop.echo({ a: 1, b: ["<b>", ""] }), { a: 1, b: ["<b>", ""] });
  assert.deepEqual(await shop.sorted([3, 1, 2], "desc"), [3, 2, 1]);
  assert.equal(await shop.whoami(), "hello, POST /whoami");
  assert.equal(await shop.whoami("hi"), "hi, POST /whoami");
  assert.equal(await shop.math.square(7), 49);
  assert.equal(await shop.math.deep.negate(4), -4);
  assert.equal(await shop.counter.next(), 1);
  assert.equal(await shop.counter.next(), 2);
  assert.equal(await shop.nothing(), undefined);
  assert.equal(await shop.remove(7), "removed 7");

  const file = new File(["héllo"], "h.txt", { type: "text/plain" });
  assert.deepEqual(await shop.inspect(file, "a note"), {
    name: "h.txt",
    type: "text/plain",
    size: 6,
    text: "héllo",
    note: "a note",
  });
  assert.deepEqual(await shop.inspect(new Blob(["x"])), {
    name: "blob",
    type: "application/octet-stream",
    size: 1,
    text: "x",
    note: null,
  });
  assert.deepEqual(await shop.names([new File(["a"], "a.txt"), new File(["b"], "b.txt")]), [
    "a.txt",
    "b.txt",
  ]);

  // Results that are no plain value come as the Response itself.
  const bytes = await shop.bytes();
  assert.ok(bytes instanceof Response);
  assert.equal(bytes.headers.get("content-type"), "application/octet-stream");
  assert.equal(await bytes.text(), "raw");
  const csv = await (shop.csv() as Promise<unknown>) as Response;
  assert.equal(csv.headers.get("content-type"), "text/csv");
  assert.equal(await csv.text(), "a,b\n1,2\n");

  const needsAuth = await failure(shop.admin.me());
  assert.equal(needsAuth.status, 401);
  assert.equal(needsAuth.message, "Authentication is required.");
  const badPassword = client<typeof Shop>(`${s.url}shop`, {
    basicAuth: { user: "admin", password: "nope" },
  });
  assert.equal((await failure(badPassword.admin.me())).status, 401);
  const admin = client<typeof Shop>(`${s.url}shop`, {
    basicAuth: { user: "admin", password: "pw" },
    init: { headers: { "x-extra": "1" } },
  });
  assert.equal(await admin.admin.me(), "admin");

  const failed = await failure(shop.fail(409));
  assert.equal(failed.status, 409);
  assert.equal(failed.message, "failed with 409 on purpose");
  const missing = await failure((shop.greet as () => Promise<string>)());
  assert.equal(missing.status, 400);
  assert.equal(missing.message, 'Missing required parameter "name" (one text value).');
  // What the types leave out, called anyway: the server refuses it.
  type Loose = Record<string, (() => Promise<unknown>) & Record<string, () => Promise<unknown>>>;
  const loose = shop as unknown as Loose;
  assert.equal((await failure(loose._hidden())).status, 403);
  assert.equal((await failure(loose.counter.reset())).status, 403);
  assert.equal((await failure(loose.Widget())).status, 403);
  assert.equal((await failure(loose.nothere())).status, 404);
});

Deno.test("client: with debug on, an exception's message and the user's frames", async () => {
  await using s = await serveRoot(SITE, { debug: true });
  const shop = client<typeof Shop>(`${s.url}shop`);
  const crash = await failure(shop.crash());
  assert.equal(crash.status, 500);
  assert.equal(crash.message, "Error: boom");
  const res = await s.fetch("/shop/crash", { headers: { accept: "application/json" } });
  const body = await res.json();
  assert.equal(body.error, "Error: boom");
  assert.match(body.stack, /client_site\/shop\.ts:\d+:\d+/);
});

Deno.test("client: await on the client itself is not a call", async () => {
  const shop = client<typeof Shop>("http://127.0.0.1:9/shop");
  assert.equal(await Promise.resolve(shop), shop);
});

Deno.test("the positional wire format, as any HTTP client can send it", async () => {
  await using s = await serveRoot(SITE);
  const call = (path: string, body: BodyInit, type = "application/vnd.modts.args+json") =>
    s.fetch(path, {
      method: "POST",
      headers: { "content-type": type, accept: "application/json" },
      body,
    });
  const ok = await call("/shop/add", "[1, 2]");
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("content-type"), "application/json");
  assert.equal(ok.headers.get("modts-result"), "json");
  assert.equal(await ok.text(), "3");
  // Text converts as a form field would; extra arguments are dropped; null is "absent".
  assert.equal(await (await call("/shop/add", '["1", "2", 99]')).text(), "3");
  assert.equal(await (await call("/shop/greet", '["x", null, 2]')).text(), '"hello x. hello x."');
  const cases: [string, string, string][] = [
    ["/shop/add", "[1", "The arguments are not valid JSON."],
    [
      "/shop/add",
      '{"a": 1, "b": 2}',
      "The arguments must be a JSON array, in the order of the parameters.",
    ],
    ["/shop/add", "[1]", 'Missing required parameter "b" (a number).'],
    ["/shop/add", "[1, true]", 'Parameter "b" expects a number, got true.'],
    [
      "/shop/greet",
      '["x", "maybe"]',
      'Parameter "excited" expects a boolean ' +
      '(true/false, 1/0, on/off, yes/no), got "maybe".',
    ],
    ["/shop/stats", "[[1, [2]]]", 'Parameter "values" expects numbers, got several values.'],
    ["/shop/sorted", '[[1], {"x": 1}]', 'Parameter "order" expects a value, got an object.'],
    // An object shaped like an upload is not one: its path is the sender's.
    [
      "/shop/inspect",
      '[{"field": "f", "filename": "x", "type": "t", "size": 1, "path": "/etc/passwd"}]',
      'Parameter "file" expects an uploaded file, got an object.',
    ],
    [
      "/shop/names",
      '[[{"path": "/etc/passwd"}]]',
      'Parameter "files" expects uploaded files, ' +
      "got an object.",
    ],
  ];
  for (const [path, body, error] of cases) {
    const res = await call(path, body);
    assert.equal(res.status, 400, `${path} ${body}`);
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.deepEqual(await res.json(), { status: 400, error });
  }

  // Multipart: the arguments in `modts-args`, each `{"$file": n}` the n-th `modts-file`.
  const form = new FormData();
  form.set("modts-args", JSON.stringify([{ $file: 0 }, "note"]));
  form.append("modts-file", new File(["abc"], "abc.txt", { type: "text/plain" }));
  const uploaded = await s.fetch("/shop/inspect", {
    method: "POST",
    headers: { accept: "application/json" },
    body: form,
  });
  assert.deepEqual(await uploaded.json(), {
    name: "abc.txt",
    type: "text/plain",
    size: 3,
    text: "abc",
    note: "note",
  });
  const dangling = new FormData();
  dangling.set("modts-args", JSON.stringify([{ $file: 1 }]));
  dangling.append("modts-file", new File(["abc"], "abc.txt"));
  const res = await s.fetch("/shop/inspect", { method: "POST", body: dangling });
  assert.equal(res.status, 400);
  assert.match(await res.text(), /An argument refers to a missing file\./);

  // Named fields keep working as before, for browsers and curl.
  const named = await s.fetch("/shop/add", {
    method: "POST",
    body: new URLSearchParams("a=1&b=2"),
  });
  assert.equal(named.headers.get("content-type"), "text/plain;charset=UTF-8");
  assert.equal(named.headers.get("modts-result"), null);
  assert.equal(await named.text(), "3");
});

Deno.test("Accept: application/json: errors as JSON; results as documented", async () => {
  await using s = await serveRoot(SITE);
  const json = { headers: { accept: "application/json, text/plain;q=0.5" } };
  // Only a call by position changes how results are sent: reading Accept on every GET would
  // cost every call (Deno builds the headers on first access).
  const text = await s.fetch("/shop/greet?name=x", json);
  assert.equal(text.headers.get("content-type"), "text/plain;charset=UTF-8");
  assert.equal(text.headers.get("modts-result"), null);
  assert.equal(await text.text(), "hello x.");
  const nothing = await s.fetch("/shop/nothing", {
    method: "POST",
    headers: { "content-type": "application/vnd.modts.args+json" },
    body: "[]",
  });
  assert.equal(nothing.status, 200);
  assert.equal(nothing.headers.get("modts-result"), "json");
  assert.equal(await nothing.text(), "");

  const notFound = await s.fetch("/shop/nothere", json);
  assert.equal(notFound.status, 404);
  assert.equal(notFound.headers.get("content-type"), "application/json");
  assert.deepEqual(await notFound.json(), { status: 404, error: "Not Found" });
  const method = await s.fetch("/shop/add?a=1&b=2", { ...json, method: "PUT" });
  assert.equal(method.status, 405);
  assert.equal(method.headers.get("allow"), "GET, HEAD, POST");
  assert.deepEqual(await method.json(), { status: 405, error: "Method Not Allowed" });
  const auth = await s.fetch("/shop/admin/me", json);
  assert.equal(auth.status, 401);
  assert.equal(auth.headers.get("www-authenticate"), 'Basic realm="shop"');
  assert.deepEqual(await auth.json(), { status: 401, error: "Authentication is required." });
  const crash = await s.fetch("/shop/crash", json);
  assert.equal(crash.status, 500);
  assert.deepEqual(await crash.json(), { status: 500, error: "Internal Server Error" });
  // Browsers ask for HTML first and keep the pages.
  const html = await s.fetch("/shop/nothere", {
    headers: { accept: "text/html,application/xhtml+xml,application/json;q=0.9" },
  });
  assert.equal(html.headers.get("content-type"), "text/html; charset=utf-8");
  await html.body?.cancel();
});

/**
 * A project using the client: modts's names mapped, as `modts create` writes them, and the
 * strictest compiler options a user might have.
 */
async function typeCheck(source: string): Promise<{ code: number; output: string }> {
  const dir = await tempTree({
    "deno.json": JSON.stringify({
      imports: {
        "modts": join(PROJECT, "mod.ts"),
        "modts/client": join(PROJECT, "client.ts"),
      },
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noPropertyAccessFromIndexSignature: true,
      },
    }),
    "use.ts": source.replaceAll("SHOP", join(SITE, "shop.ts")),
  });
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--no-lock", "--config", join(dir, "deno.json"), join(dir, "use.ts")],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(dir, { recursive: true });
  const dec = new TextDecoder();
  return { code: out.code, output: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

Deno.test("client types: a correct caller checks, misuse fails deno check", async () => {
  const good = await typeCheck(`
import { client } from "modts/client";
const shop = client<typeof import("SHOP")>("http://127.0.0.1/shop");
const n: number = await shop.add(1, 2);
const s: string = await shop.greet("x", true);
const st: { count: number; mean: number; labels: string[] } = await shop.stats([1], ["a"]);
const w: string = await shop.whoami("hi");
const up: { name: string; size: number } = await shop.inspect(new File(["x"], "x.txt"));
const sq: number = await shop.math.deep.negate(2);
const none: undefined = await shop.nothing();
const raw: Response = await shop.bytes();
const me: string = await shop.admin.me();
console.log(n, s, st, w, up, sq, none, raw, me);
`);
  assert.equal(good.code, 0, good.output);

  const bad = await typeCheck(`
import { client } from "modts/client";
const shop = client<typeof import("SHOP")>("http://127.0.0.1/shop");
await shop.add("1", 2);
await shop.subtract(1, 2);
await shop._hidden();
await shop.counter.reset();
await shop.Widget;
await shop.version;
await shop.whoami({} as never, "hi", 3);
`);
  assert.equal(bad.code, 1);
  const errors = [
    ...bad.output.matchAll(/(TS\d+) \[ERROR\]: (.*)\n(?:[^\n]*\n){0,3}?\s+at .*use\.ts:(\d+)/g),
  ]
    .map(([, code, message, line]) => `${line} ${code} ${message.split(" on type ")[0]}`);
  assert.deepEqual(errors, [
    "4 TS2345 Argument of type 'string' is not assignable to parameter of type 'number'.",
    "5 TS2339 Property 'subtract' does not exist",
    "6 TS2339 Property '_hidden' does not exist",
    "7 TS2339 Property 'reset' does not exist",
    "8 TS2339 Property 'Widget' does not exist",
    "9 TS2339 Property 'version' does not exist",
    "10 TS2554 Expected 0-1 arguments, but got 3.",
  ]);
});

Deno.test("the client's module graph holds no server code (it runs in browsers too)", async () => {
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--no-lock", join(PROJECT, "client.ts")],
    stdout: "piped",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(info.stdout));
  const base = new URL("../", import.meta.url).href;
  const modules = graph.modules.map((m: { specifier: string }) => m.specifier.slice(base.length));
  assert.deepEqual(modules.sort(), [
    "client.ts",
    "src/api/request.ts",
    "src/api/session.ts",
    "src/client/client.ts",
    "src/client/types.ts",
    "src/client/wire.ts",
  ]);
});

/** The fixture's published functions: what the document must list, and nothing else. */
const SHOP_PATHS = [
  "/shop/add",
  "/shop/admin/me",
  "/shop/bytes",
  "/shop/counter/next",
  "/shop/crash",
  "/shop/csv",
  "/shop/echo",
  "/shop/fail",
  "/shop/greet",
  "/shop/inspect",
  "/shop/math/deep/negate",
  "/shop/math/square",
  "/shop/names",
  "/shop/nothing",
  "/shop/remove",
  "/shop/sorted",
  "/shop/stats",
  "/shop/whoami",
];

Deno.test("main.ts openapi: a valid OpenAPI 3.1 document of exactly the published functions", async () => {
  const out = await runCli(["openapi", SITE, "--title", "Shop", "--version", "1.2.3"]);
  assert.equal(out.code, 0, out.stderr);
  const doc = JSON.parse(out.stdout);
  assert.deepEqual(await new Validator().validate(doc), { valid: true });
  assert.equal(doc.openapi, "3.1.0");
  assert.deepEqual(doc.info, { title: "Shop", version: "1.2.3" });
  assert.deepEqual(Object.keys(doc.paths).sort(), SHOP_PATHS);

  const add = doc.paths["/shop/add"];
  assert.deepEqual(Object.keys(add), ["get", "head", "post"]);
  assert.equal(add.get.summary, "Adds two numbers.");
  assert.deepEqual(add.get.parameters, [
    {
      name: "a",
      in: "query",
      required: true,
      schema: { type: "number" },
      description: "the first",
    },
    {
      name: "b",
      in: "query",
      required: true,
      schema: { type: "number" },
      description: "the second",
    },
  ]);
  assert.deepEqual(add.get.responses["200"].content["application/json"], {
    schema: { type: "number" },
  });
  assert.deepEqual(add.post.requestBody.content["application/x-www-form-urlencoded"].schema, {
    type: "object",
    properties: {
      a: { type: "number", description: "the first" },
      b: { type: "number", description: "the second" },
    },
    required: ["a", "b"],
  });

  const greet = doc.paths["/shop/greet"].get.parameters;
  assert.deepEqual(greet.map((p: { name: string; required: boolean }) => [p.name, p.required]), [
    ["name", true],
    ["excited", false],
    ["times", false],
  ]);
  assert.deepEqual(greet[1].schema, { type: "boolean", default: false });
  assert.deepEqual(doc.paths["/shop/stats"].get.parameters[0].schema, {
    type: "array",
    items: { type: "number" },
  });
  assert.deepEqual(doc.paths["/shop/stats"].get.responses["200"].content["application/json"], {
    schema: {
      type: "object",
      properties: {
        count: { type: "number" },
        mean: { type: "number" },
        labels: { type: "array", items: { type: "string" } },
      },
      required: ["count", "mean", "labels"],
    },
  });
  // `req` is the server's: whoami's only field is the greeting.
  assert.deepEqual(
    doc.paths["/shop/whoami"].get.parameters.map((p: { name: string }) => p.name),
    ["greeting"],
  );
  // An upload is a multipart form field, and a query string cannot carry it.
  const inspect = doc.paths["/shop/inspect"];
  assert.deepEqual(Object.keys(inspect), ["post"]);
  assert.deepEqual(Object.keys(inspect.post.requestBody.content), ["multipart/form-data"]);
  assert.deepEqual(inspect.post.requestBody.content["multipart/form-data"].schema.properties.file, {
    type: "string",
    format: "binary",
    contentMediaType: "application/octet-stream",
  });
  assert.deepEqual(Object.keys(doc.paths["/shop/remove"]), ["get", "head", "post", "delete"]);
  assert.equal(doc.paths["/shop/nothing"].get.responses["200"].content, undefined);
  assert.equal(doc.paths["/shop/math/square"].get.summary, "x².");
  assert.equal(doc.paths["/shop/admin/me"].get.summary, "The signed-in user's name.");

  const me = doc.paths["/shop/admin/me"].get;
  assert.deepEqual(me.security, [{ basicAuth: [] }]);
  assert.equal(
    me.responses["401"].description,
    'Basic credentials for the realm "shop" are needed.',
  );
  assert.equal(doc.paths["/shop/add"].get.security, undefined);
  assert.deepEqual(doc.components.securitySchemes, {
    basicAuth: { type: "http", scheme: "basic" },
  });
});

Deno.test("openapi: served per directory, left out where a module does not load", async () => {
  const root = await tempTree({
    "api/_directory.ts": "export const config = { openapi: true };",
    "api/calc.ts": "/** Sum. */\nexport const add = (a: number, b: number) => a + b;",
    "api/broken.ts": "export const x = ;",
    "api/_helper.ts": "export const nope = () => 1;",
    "api/inner/more.ts": "export const more = () => 1;",
    "other/calc.ts": "export const add = (a: number, b: number) => a + b;",
  });
  await using s = await serveRoot(root);
  const res = await s.fetch("/api/modts-openapi.json");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  const doc = await res.json();
  assert.deepEqual(await new Validator().validate(doc), { valid: true });
  assert.deepEqual(Object.keys(doc.paths), ["/api/calc/add"]);
  assert.equal(doc.paths["/api/calc/add"].get.summary, "Sum.");
  assert.ok(s.logs.some((l) => l.includes("broken.ts") && l.includes("left out")), s.logs.join());
  // Inherited below; off where no _directory.ts turns it on.
  const inner = await (await s.fetch("/api/inner/modts-openapi.json")).json();
  assert.deepEqual(Object.keys(inner.paths), ["/api/inner/more/more"]);
  assert.equal((await s.fetch("/other/modts-openapi.json")).status, 404);

  const cli = await runCli(["openapi", root]);
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /broken\.ts:1: .* \(left out\)/);
  assert.deepEqual(Object.keys(JSON.parse(cli.stdout).paths), [
    "/api/calc/add",
    "/api/inner/more/more",
    "/other/calc/add",
  ]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("the demo index links the OpenAPI document of calc.ts", async () => {
  await using s = await serveRoot(join(PROJECT, "public"));
  assert.match(await (await s.fetch("/")).text(), /<a href="\/modts-openapi\.json">/);
  const doc = await (await s.fetch("/modts-openapi.json")).json();
  assert.deepEqual(await new Validator().validate(doc), { valid: true });
  for (const path of ["/calc/add", "/calc/divide", "/calc/sum", "/calc/index"]) {
    assert.ok(doc.paths[path], path);
  }
});
