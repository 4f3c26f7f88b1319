import assert from "node:assert/strict";
import { locatedError, runCli, serveRoot, tempTree } from "./helpers.ts";

const PAGES = {
  "tags.psp": '<%@ include file="_parts/head.psp" %>\n' +
    "<%-- a comment\nover two lines --%>" +
    '<% for (const x of [1, 2, "<b>"]) { %><li><%= x %></li><% } %>\n' +
    '<%= "<esc>" %>|<%~ "<raw>" %>|<%= await Promise.resolve(form.get("a") ?? "none") %>\n' +
    "<%- if (true) { -%>\n  trimmed\n<%_ } _%>\n" +
    "back\\slash 's' \"d\" `t` ${x} é ✓\r\nCRLF\rCR\n",
  "_parts/head.psp": '<head><%@ include file="../_parts/title.psp" %></head>\n',
  "_parts/title.psp": "<title>T</title>",
  "sub/rel.psp":
    '<%@ include file="../_parts/title.psp" %>|<%@ include file="/_parts/title.psp" %>',
  "missing.psp": '<%@ include file="nope.psp" %>',
  "escape.psp": '<%@ include file="../../etc/passwd" %>',
  "loop.psp": '<%@ include file="loop.psp" %>',
  "unknown.psp": '<%@ page language="python" %>',
  "unclosed.psp": 'line 1\n<%@ include file="_parts/broken.psp" %>\n',
  "_parts/broken.psp": "ok\nstill ok\n<%= it.x \n",
  "syntax.psp": "one\ntwo\n<% if (true) { %>\n<%= ) %>\n<% } %>\n",
  "fails.psp":
    'before;<% psp.setErrorPage("_parts/oops.psp") %>during;<% throw new Error("boom <x>") %>after',
  "_parts/oops.psp": "oops: <%= error.message %>",
  "plainfail.psp": 'start\n<% throw new Error("secret detail") %>',
  "go.psp": '<% psp.redirect("/tags.psp?a=1") %>never',
  "sess.psp": "<% session.data.seen = true %><%= session.id %>",
  "data.psp": "<%= it.name %> via <%= req.method %> (no session needed)",
  "live.psp": '<%@ include file="_parts/live.psp" %>',
  "_parts/live.psp": "v1",
  "render.ts": `
export const rel = (req) => req.render("data.psp", { name: "<Ann>" });
export const abs = (req) => req.render("/data.psp", { name: "Bob" });
export const outside = (req) => req.render("../../x.psp");
`,
};

Deno.test("psp: tags, directives and byte-for-byte text", async () => {
  await using s = await serveRoot(await tempTree(PAGES));
  const res = await s.fetch("/tags.psp?a=%3Cq%3E");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(
    await res.text(),
    // The include's own newline, then the directive line's.
    "<head><title>T</title></head>\n\n" +
      "<li>1</li><li>2</li><li>&lt;b&gt;</li>\n" +
      // `-` trims one newline, `_` all whitespace, on its side of the tag.
      "&lt;esc&gt;|<raw>|&lt;q&gt;  trimmed" +
      "back\\slash 's' \"d\" `t` ${x} é ✓\r\nCRLF\rCR\n",
  );
  assert.equal(await (await s.fetch("/sub/rel.psp")).text(), "<title>T</title>|<title>T</title>");
});

Deno.test("psp: include and compile errors name the file and line", async () => {
  await using s = await serveRoot(await tempTree(PAGES), { debug: true });
  const cases: Array<[string, RegExp]> = [
    ["/missing.psp", /missing\.psp:1: included file not found: nope\.psp/],
    [
      "/escape.psp",
      /escape\.psp:1: included file not found|escape\.psp:1: include leaves the document root/,
    ],
    ["/loop.psp", /loop\.psp:1: include loop/],
    ["/unknown.psp", /unknown\.psp:1: unknown directive/],
    ["/unclosed.psp", /_parts\/broken\.psp:3: /],
    ["/syntax.psp", /syntax\.psp:4: syntax error/],
  ];
  for (const [path, pattern] of cases) {
    const res = await s.fetch(path);
    assert.equal(res.status, 500, path);
    assert.match(locatedError(await res.text()), pattern, path);
  }
  // The debug page shows an escaped excerpt.
  const body = await (await s.fetch("/syntax.psp")).text();
  assert.match(body, /<mark><span class="n">4<\/span> {2}&lt;%= \) %&gt;/);
  assert.match(s.logs.join("\n"), /syntax\.psp:4: syntax error/);
});

Deno.test("psp: errors without debug reveal nothing; error pages keep the output", async () => {
  await using s = await serveRoot(await tempTree(PAGES));
  const plain = await s.fetch("/plainfail.psp");
  assert.equal(plain.status, 500);
  assert.ok(!(await plain.text()).includes("secret"));
  assert.match(s.logs.join("\n"), /plainfail\.psp:2: secret detail/);
  const withPage = await s.fetch("/fails.psp");
  assert.equal(withPage.status, 200);
  assert.equal(await withPage.text(), "before;during;oops: boom &lt;x&gt;");
  const missing = await s.fetch("/nothing.psp");
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("psp: redirect, req.render, and a session only where the code uses one", async () => {
  await using s = await serveRoot(await tempTree(PAGES), { debug: true });
  const go = await s.fetch("/go.psp", { redirect: "manual" });
  assert.equal(go.status, 302);
  assert.equal(go.headers.get("location"), "/tags.psp?a=1");
  await go.body?.cancel();
  const rel = await s.fetch("/render/rel");
  assert.equal(await rel.text(), "&lt;Ann&gt; via GET (no session needed)");
  assert.equal(rel.headers.get("set-cookie"), null);
  assert.equal(await (await s.fetch("/render/abs")).text(), "Bob via GET (no session needed)");
  assert.equal((await s.fetch("/render/outside")).status, 404);
  const sess = await s.fetch("/sess.psp");
  const id = await sess.text();
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(sess.headers.get("set-cookie"), `sid=${id}; Path=/; HttpOnly; SameSite=Lax`);
});

Deno.test("psp: editing a page or its included file recompiles it", async () => {
  const root = await tempTree(PAGES);
  await using s = await serveRoot(root);
  assert.equal(await (await s.fetch("/live.psp")).text(), "v1");
  await Deno.writeTextFile(`${root}/_parts/live.psp`, "v2 <%= 1 + 1 %>");
  let body = "";
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    body = await (await s.fetch("/live.psp")).text();
    if (body === "v2 2") break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(body, "v2 2");
  // And editing the page itself.
  await Deno.writeTextFile(`${root}/live.psp`, 'page: <%@ include file="_parts/live.psp" %>');
  while (Date.now() < deadline + 3000) {
    body = await (await s.fetch("/live.psp")).text();
    if (body === "page: v2 2") break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(body, "page: v2 2");
});

Deno.test("check reports page compile errors with file:line", async () => {
  const root = await tempTree({
    "site/ok.psp": "<%= 1 %>",
    "site/bad.psp": "a\n<%= ) %>\n",
    "site/_inc.psp": "x",
  });
  const r = await runCli(["check", `${root}/site`]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /bad\.psp:2: syntax error/);
});

Deno.test("psp: compiled pages are reused from disk after a restart, until an include changes", async () => {
  const root = await tempTree({
    "page.psp": '<%@ include file="_inc.psp" %>!',
    "_inc.psp": "<%= 6 * 7 %>",
  });
  const dataDir = await Deno.makeTempDir();
  const compiles = (logs: string[]) => logs.filter((l) => l.startsWith("psp: compiled")).length;
  {
    await using first = await serveRoot(root, { dataDir });
    assert.equal(await (await first.fetch("/page.psp")).text(), "42!");
    assert.equal(compiles(first.logs), 1);
  }
  {
    await using second = await serveRoot(root, { dataDir });
    assert.equal(await (await second.fetch("/page.psp")).text(), "42!");
    assert.equal(compiles(second.logs), 0); // taken from the disk cache: no recompilation
  }
  await Deno.writeTextFile(`${root}/_inc.psp`, "<%= 6 * 7 + 1 %>");
  {
    await using third = await serveRoot(root, { dataDir });
    assert.equal(await (await third.fetch("/page.psp")).text(), "43!");
    assert.equal(compiles(third.logs), 1);
  }
});

Deno.test("psp: a disk cache entry from an older modts is compiled again", async () => {
  const root = await tempTree({ "page.psp": "<%= 6 * 7 %>" });
  const dataDir = await Deno.makeTempDir();
  {
    await using first = await serveRoot(root, { dataDir });
    assert.equal(await (await first.fetch("/page.psp")).text(), "42");
  }
  // As modts wrote it before pages were modules: no format, a function expression.
  const cache = `${dataDir}/psp-cache`;
  for (const { name } of Deno.readDirSync(cache)) {
    const entry = JSON.parse(await Deno.readTextFile(`${cache}/${name}`));
    delete entry.format;
    entry.compiled.code = "(async function () { return 'stale'; })";
    await Deno.writeTextFile(`${cache}/${name}`, JSON.stringify(entry));
  }
  await using second = await serveRoot(root, { dataDir });
  assert.equal(await (await second.fetch("/page.psp")).text(), "42");
  assert.equal(second.logs.filter((l) => l.startsWith("psp: compiled")).length, 1);
});

Deno.test("psp: with --no-autoreload a page is never recompiled", async () => {
  const root = await tempTree({ "frozen.psp": "one" });
  await using s = await serveRoot(root, { autoreload: false, fsTtl: 0 });
  assert.equal(await (await s.fetch("/frozen.psp")).text(), "one");
  await Deno.writeTextFile(`${root}/frozen.psp`, "two");
  assert.equal(await (await s.fetch("/frozen.psp")).text(), "one");
});
