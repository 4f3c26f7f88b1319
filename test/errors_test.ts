import assert from "node:assert/strict";
import { HandlerRegistry } from "../src/dispatch/registry.ts";
import { StaticHandler } from "../src/static/static_handler.ts";
import { echoRegistry } from "./fixtures/echo_handler.ts";
import { serveRoot, tempTree } from "./helpers.ts";

Deno.test("production errors: a plain 500 that reveals nothing; the log has the stack", async () => {
  await using s = await serveRoot(await tempTree({ "e.ts": "" }), {}, echoRegistry());
  const res = await s.fetch("/e/throw");
  assert.equal(res.status, 500);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  const body = await res.text();
  // One small styled page: no detail, no script, nothing to fetch.
  assert.ok(body.startsWith('<!doctype html>\n<html lang="en">\n'), body);
  assert.match(body, /\n<title>500 Internal Server Error<\/title>\n<style>[^<]+<\/style>\n/);
  assert.ok(
    body.endsWith(
      "\n<h1>500 Internal Server Error</h1>\n" +
        "<p>Something went wrong on the server. It has been logged.</p>\n",
    ),
    body,
  );
  assert.ok(body.length < 800, `${body.length} bytes`);
  assert.doesNotMatch(body, /secret|<script|<link|src=|url\(/);
  assert.match(
    s.logs.join("\n"),
    /error serving \/e\/throw: Error: <b>boom<\/b> secret-detail\n\s+at /,
  );
  // Still healthy.
  assert.equal(await (await s.fetch("/e/hello")).text(), "hello");
});

Deno.test("debug errors: a 500 page with the escaped error and stack", async () => {
  await using s = await serveRoot(await tempTree({ "e.ts": "" }), { debug: true }, echoRegistry());
  const res = await s.fetch("/e/throw?x=<i>");
  assert.equal(res.status, 500);
  const body = await res.text();
  assert.match(body, /Error: &lt;b&gt;boom&lt;\/b&gt; secret-detail/);
  assert.match(body, /at .*echo_handler\.ts/);
  assert.ok(!body.includes("<b>boom"));
  assert.match(body, /<code>\/e\/throw<\/code>/);
});

Deno.test("debug page: a module's syntax error at its line and column, with the source", async () => {
  const root = await Deno.realPath(
    await tempTree({
      "broken.ts": "export function index() {\n  const x = ;\n  return x;\n}\n",
    }),
  );
  await using s = await serveRoot(root, { debug: true });
  const res = await s.fetch("/broken");
  assert.equal(res.status, 500);
  const body = await res.text();
  assert.match(body, /<p class="message">syntax error: Expression expected<\/p>\n/);
  assert.ok(body.includes(`<p>at <code>${root}/broken.ts:2:13</code></p>`), body);
  assert.ok(
    body.includes(
      '<pre class="source"><span class="n">1</span>  export function index() {\n' +
        '<mark><span class="n">2</span>    const x = ;\n' +
        '<span class="n"> </span>              ^</mark>\n' +
        '<span class="n">3</span>    return x;\n',
    ),
    body,
  );
  // The transpiler's own frames are not the user's: none is shown unfolded.
  assert.doesNotMatch(body, /<pre>at /);
});

Deno.test("debug page: a thrown error at the user's frame, modts's frames folded", async () => {
  const root = await Deno.realPath(
    await tempTree({
      "run.ts": 'function helper(n: number) {\n  if (n > 1) throw new Error("boom <b>");\n' +
        "  return n;\n}\nexport function index() {\n  return String(helper(2));\n}\n",
    }),
  );
  await using s = await serveRoot(root, { debug: true });
  const body = await (await s.fetch("/run")).text();
  assert.match(body, /<p class="message">Error: boom &lt;b&gt;<\/p>/);
  assert.ok(body.includes(`<p>at <code>${root}/run.ts:2:20</code></p>`), body);
  assert.ok(
    body.includes(
      '<mark><span class="n">2</span>    if (n &gt; 1) throw new Error(&quot;boom &lt;b&gt;&quot;);',
    ),
    body,
  );
  assert.ok(
    body.includes(
      `<pre>at helper (file://${root}/run.ts:2:20)\nat Module.index (file://${root}/run.ts:6:17)</pre>`,
    ),
    body,
  );
  assert.match(
    body,
    /<details><summary>\d+ frames of modts, the runtime and npm packages<\/summary>/,
  );
  const json = await s.fetch("/run", { headers: { accept: "application/json" } });
  assert.deepEqual(await json.json(), {
    status: 500,
    error: "Error: boom <b>",
    at: `${root}/run.ts:2:20`,
    stack: `at helper (file://${root}/run.ts:2:20)\nat Module.index (file://${root}/run.ts:6:17)`,
  });
});

Deno.test("an HttpError from a handler sets the status and an escaped message", async () => {
  await using s = await serveRoot(await tempTree({ "e.ts": "" }), {}, echoRegistry());
  const res = await s.fetch("/e/http-error");
  assert.equal(res.status, 400);
  assert.match(await res.text(), /<p>bad &lt;input&gt;<\/p>/);
  const missing = await s.fetch("/e/no-such-action");
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("the handler registry: kinds without a handler are never served", async () => {
  // Without a module handler, .ts files are not reachable in any form.
  const staticOnly = new HandlerRegistry().register(
    "static",
    new StaticHandler({ declareLength: false }),
  );
  await using s = await serveRoot(
    await tempTree({ "e.ts": "SOURCE", "index.html": "home" }),
    {},
    staticOnly,
  );
  for (const path of ["/e.ts", "/e", "/e/hello", "/nothing"]) {
    const res = await s.fetch(path);
    assert.equal(res.status, 404, path);
    assert.ok(!(await res.text()).includes("SOURCE"));
  }
  // With one, `/name` finds name.ts and `/` prefers index.ts only if it exists.
  await using p = await serveRoot(
    await tempTree({ "e.ts": "", "index.html": "home" }),
    {},
    echoRegistry(),
  );
  assert.equal(await (await p.fetch("/e/hello")).text(), "hello");
  assert.equal(await (await p.fetch("/e.ts/hello")).text(), "hello");
  assert.equal(await (await p.fetch("/")).text(), "home");
});

Deno.test("a missing name falls back to index.ts of its directory with the name as path info", async () => {
  await using s = await serveRoot(
    await tempTree({ "sub/index.ts": "", "index.ts": "" }),
    {},
    echoRegistry(),
  );
  assert.equal(await (await s.fetch("/hello")).text(), "hello");
  assert.equal(await (await s.fetch("/sub/hello")).text(), "hello");
  const res = await s.fetch("/sub/nothing");
  assert.equal(res.status, 404);
  await res.body?.cancel();
});
