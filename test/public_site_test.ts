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
  // cards.tsx (JSX) imports the same entries module as the page: one instance.
  const cards = await s.fetch("/cards");
  assert.equal(cards.headers.get("content-type"), "text/html; charset=utf-8");
  const cardsHtml = await cards.text();
  assert.ok(cardsHtml.startsWith('<!doctype html><html lang="en">'), cardsHtml.slice(0, 40));
  assert.match(cardsHtml, /<li><strong>Eve<\/strong>: &lt;b&gt;hi&lt;\/b&gt;<\/li>/);
  const source = await s.fetch("/calc.ts");
  assert.ok(!(await source.text()).includes("export function"));
});

Deno.test("public/: the account page counts visits, signs in with a new id, signs out", async () => {
  await using s = await serveRoot(join(PROJECT, "public"));
  const first = await s.fetch("/account.psp");
  const sid = /^sid=([0-9a-f]{32});/.exec(first.headers.get("set-cookie") ?? "")![1];
  assert.match(await first.text(), /visit\s+<strong>1<\/strong>/);
  const cookie = { cookie: `sid=${sid}` };
  assert.match(await (await s.fetch("/account.psp", { headers: cookie })).text(), /<strong>2</);
  const post = (body: string, sid: string) =>
    s.fetch("/account.psp", {
      method: "POST",
      redirect: "manual",
      headers: { cookie: `sid=${sid}`, "content-type": "application/x-www-form-urlencoded" },
      body,
    });
  const wrong = await post("action=login&name=ann&password=nope", sid);
  assert.match(await wrong.text(), /Wrong name or password/);
  const login = await post("action=login&name=%3Cann%3E&password=demo", sid);
  assert.equal(login.status, 302);
  await login.body?.cancel();
  const renewed = /^sid=([0-9a-f]{32});/.exec(login.headers.get("set-cookie") ?? "")![1];
  assert.notEqual(renewed, sid);
  const signedIn = await (await s.fetch("/account.psp", { headers: { cookie: `sid=${renewed}` } }))
    .text();
  assert.match(signedIn, /Signed in as <strong>&lt;ann&gt;<\/strong>/);
  assert.match(signedIn, /<strong>5<\/strong>/);
  // The old id died with the sign-in.
  const old = await s.fetch("/account.psp", { headers: cookie });
  assert.match(await old.text(), /<strong>1<\/strong>/);
  const logout = await post("action=logout", renewed);
  assert.equal(logout.status, 302);
  assert.match(logout.headers.get("set-cookie") ?? "", /^sid=; Max-Age=0;/);
  await logout.body?.cancel();
});

Deno.test("public/: the mounted API and the members area", async () => {
  await using s = await serveRoot(join(PROJECT, "public"));
  assert.deepEqual(await (await s.fetch("/api/")).json(), {
    mountedAt: "/api",
    routes: ["/hello/:name", "/visits"],
  });
  assert.deepEqual(await (await s.fetch("/api/hello/you")).json(), { hello: "you" });
  const visit = await s.fetch("/api/visits");
  assert.deepEqual(await visit.json(), { visits: 1 });
  const cookie = visit.headers.get("set-cookie")!.split(";")[0];
  assert.deepEqual(await (await s.fetch("/api/visits", { headers: { cookie } })).json(), {
    visits: 2,
  });
  const refused = await s.fetch("/members/");
  assert.equal(refused.status, 401);
  assert.equal(
    refused.headers.get("www-authenticate"),
    'Basic realm="modts members (demo / demo)"',
  );
  await refused.body?.cancel();
  const wrong = await s.fetch("/members/", {
    headers: { authorization: `Basic ${btoa("demo:x")}` },
  });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  const page = await s.fetch("/members/", {
    headers: { authorization: `Basic ${btoa("demo:demo")}` },
  });
  const html = await page.text();
  assert.match(html, /Hello, <strong>demo<\/strong>/);
  assert.match(html, /area =\s+<code>members<\/code>/);
});

Deno.test("public/: the upload page shows a file's name, size, type and first lines", async () => {
  await using s = await serveRoot(join(PROJECT, "public"));
  const form = new FormData();
  const text = "one <b>1</b>\ntwo & 2\nthree\nfour\n";
  form.append("file", new File([text], "a <b>&.txt", { type: "text/plain" }));
  form.append("caption", "<i>mine</i>");
  const sent = await s.fetch("/upload.psp", { method: "POST", body: form });
  assert.equal(sent.status, 200);
  const html = await sent.text();
  assert.match(html, /<dt>name<\/dt><dd><code>a &lt;b&gt;&amp;\.txt<\/code><\/dd>/);
  assert.match(html, /<dt>size<\/dt><dd>32 bytes<\/dd>/);
  assert.match(html, /<dt>type<\/dt><dd><code>text\/plain<\/code><\/dd>/);
  assert.match(html, /<dt>caption<\/dt><dd>&lt;i&gt;mine&lt;\/i&gt;<\/dd>/);
  assert.match(html, /<pre>one &lt;b&gt;1&lt;\/b&gt;\ntwo &amp; 2\nthree<\/pre>/);
  // Only text files are excerpted.
  const image = new FormData();
  image.append(
    "file",
    new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "dot.png", { type: "image/png" }),
  );
  const imageHtml = await (await s.fetch("/upload.psp", { method: "POST", body: image })).text();
  assert.match(imageHtml, /<dt>size<\/dt><dd>4 bytes<\/dd>/);
  assert.match(imageHtml, /<dt>type<\/dt><dd><code>image\/png<\/code><\/dd>/);
  assert.ok(!imageHtml.includes("<pre>"));
  // A form without a file, or with a text field in its place, is refused.
  const textOnly = new FormData();
  textOnly.append("file", "not a file");
  for (const body of [new FormData(), textOnly]) {
    const refused = await s.fetch("/upload.psp", { method: "POST", body });
    assert.equal(refused.status, 400);
    const page = await refused.text();
    assert.match(page, /<p class="error">No file was sent: choose one, then upload\.<\/p>/);
    assert.ok(!page.includes("<dl>"));
  }
  const empty = await s.fetch("/upload.psp");
  assert.equal(empty.status, 200);
  assert.ok(!(await empty.text()).includes('class="error"'));
});
