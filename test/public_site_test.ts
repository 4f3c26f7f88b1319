// The default site in public/ works as its index page says.
import assert from "node:assert/strict";
import { join } from "node:path";
import { PROJECT, serveRoot } from "./helpers.ts";

Deno.test("public/: index, assets and the calculator demo", async () => {
  await using s = await serveRoot(join(PROJECT, "public"));
  const index = await s.fetch("/");
  assert.match(await index.text(), /<h1>modts<\/h1>/);
  const css = await s.fetch("/assets/site.css");
  assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
  await css.body?.cancel();
  assert.equal(await (await s.fetch("/calc/add?a=2&b=3")).text(), "5");
  assert.equal(await (await s.fetch("/calc/divide?a=1&b=4")).text(), "0.25");
  const zero = await s.fetch("/calc/divide?a=1&b=0");
  assert.equal(zero.status, 400);
  assert.equal(await zero.text(), "Cannot divide by zero.\n");
  assert.deepEqual(await (await s.fetch("/calc/sum?n=1&n=2&n=3")).json(), { count: 3, total: 6 });
  const bad = await s.fetch("/calc/add?a=one&b=2");
  assert.equal(bad.status, 400);
  await bad.body?.cancel();
  const page = await s.fetch("/calc/");
  assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
  assert.match(await page.text(), /<h1>Calculator<\/h1>/);
  const guestbook = await s.fetch("/guestbook.psp", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "name=Eve&words=%3Cb%3Ehi%3C%2Fb%3E",
  });
  const html = await guestbook.text();
  assert.match(html, /<li><strong>Eve<\/strong>: &lt;b&gt;hi&lt;\/b&gt;<\/li>/);
  assert.match(html, /&lt;script&gt;alert\(&#39;escaped&#39;\)/);
  assert.match(html, /3 entries/);
  const source = await s.fetch("/calc.ts");
  assert.ok(!(await source.text()).includes("export function"));
});
