// The demo site in public/, used in Chromium as a person would: typing into its forms, clicking
// its buttons and reading what the page then shows.
import assert from "node:assert/strict";
import { join } from "node:path";
import { browserTest, type Locator, type Page, type Response as PageResponse } from "./browser.ts";
import { PROJECT, serveRoot } from "./helpers.ts";

const PUBLIC = join(PROJECT, "public");

/**
 * Clicks `target` and waits until the document it leads to has loaded; returns that document's
 * response (the last one, after redirects).
 */
async function follow(page: Page, target: Locator): Promise<PageResponse> {
  const response = page.waitForResponse((r) =>
    r.request().isNavigationRequest() && r.frame() === page.mainFrame() &&
    (r.status() < 300 || r.status() >= 400)
  );
  // The current document fired its load event long ago: this one is the next document's.
  const loaded = page.waitForEvent("load");
  await target.click();
  await loaded;
  return await response;
}

browserTest(
  "browser: the calculator's forms answer, and bad input shows the 400's reason",
  async ({ context }) => {
    await using s = await serveRoot(PUBLIC);
    const page = await (await context()).newPage();
    assert.equal((await page.goto(`${s.url}calc/`))?.status(), 200);
    assert.equal(await page.locator("h1").innerText(), "Calculator");

    const add = page.locator('form[action="/calc/add"]');
    await add.locator('input[name="a"]').fill("7");
    await add.locator('input[name="b"]').fill("5");
    const sum = await follow(page, add.getByRole("button", { name: "add", exact: true }));
    assert.equal(sum.status(), 200);
    assert.equal(page.url(), `${s.url}calc/add?a=7&b=5`);
    assert.equal(await page.locator("body").innerText(), "12");

    await page.goBack();
    const divide = page.locator('form[action="/calc/divide"]');
    await divide.locator('input[name="a"]').fill("3");
    await divide.locator('input[name="b"]').fill("4");
    const quotient = await follow(
      page,
      divide.getByRole("button", { name: "divide", exact: true }),
    );
    assert.equal(quotient.status(), 200);
    assert.equal(await page.locator("body").innerText(), "0.75");

    await page.goBack();
    await divide.locator('input[name="a"]').fill("3");
    await divide.locator('input[name="b"]').fill("0");
    const byZero = await follow(page, divide.getByRole("button", { name: "divide", exact: true }));
    assert.equal(byZero.status(), 400);
    assert.equal(page.url(), `${s.url}calc/divide?a=3&b=0`);
    assert.equal(await page.locator("body").innerText(), "Cannot divide by zero.\n");

    await page.goBack();
    await add.locator('input[name="a"]').fill("one");
    await add.locator('input[name="b"]').fill("2");
    const notANumber = await follow(page, add.getByRole("button", { name: "add", exact: true }));
    assert.equal(notANumber.status(), 400);
    assert.equal(await page.locator("h1").innerText(), "400 Bad Request");
    assert.equal(await page.locator("p").innerText(), 'Parameter "a" expects a number, got "one".');

    await page.goBack();
    const missing = await follow(
      page,
      page.getByRole("link", { name: "/calc/add?a=1", exact: true }),
    );
    assert.equal(missing.status(), 400);
    assert.equal(await page.locator("p").innerText(), 'Missing required parameter "b" (a number).');
  },
);

browserTest(
  "browser: a guestbook entry with markup is shown as text, not run",
  async ({ context }) => {
    await using s = await serveRoot(PUBLIC);
    const page = await (await context()).newPage();
    assert.equal((await page.goto(`${s.url}guestbook.psp`))?.status(), 200);
    await page.getByPlaceholder("name", { exact: true }).fill("<i>Eve</i>");
    const words = `<b>hi</b> <script>document.title = "injected"</script>`;
    await page.getByPlaceholder("a few words").fill(words);
    const signed = await follow(page, page.getByRole("button", { name: "sign", exact: true }));
    assert.equal(signed.status(), 200);
    assert.equal(signed.request().method(), "POST");

    // Newest first: Eve's entry, then the two the demo starts with.
    const entries = page.locator("ul li");
    assert.deepEqual(await entries.allInnerTexts(), [
      `<i>Eve</i>: ${words}`,
      "Ada: <script>alert('escaped')</script> is shown, not run",
      "Grace: Pages are compiled once and recompiled when edited.",
    ]);
    assert.equal(await page.locator("li strong").first().innerText(), "<i>Eve</i>");
    assert.match(
      await page.locator("p").last().innerText(),
      /^3 entries, rendered at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\.$/,
    );
    // No element came out of the text, and its script never ran. (A string, because these
    // tests are type-checked without the DOM's types.)
    assert.equal(await page.evaluate(`document.querySelectorAll("ul li :not(strong)").length`), 0);
    assert.equal(await page.title(), "Guestbook · modts");
  },
);

/**
 * What the account page's first paragraph says: the visit number, the session id's first 8
 * characters, and whether the session is new.
 */
async function visit(page: Page): Promise<{ n: number; id: string; isNew: boolean }> {
  const text = await page.locator("p").nth(1).innerText();
  const m = /visit (\d+) of this browser session \(id ([0-9a-f]{8})…, (.+)\)\.$/.exec(text);
  assert.ok(m, text);
  assert.equal(text, `Served by public/account.psp with a session on Deno KV: ${m[0]}`);
  assert.match(m[3], /^(new|since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)$/);
  return { n: Number(m[1]), id: m[2], isNew: m[3] === "new" };
}

browserTest(
  "browser: the account page keeps its session in a cookie, signs in with a new id, signs out",
  async ({ context }) => {
    await using s = await serveRoot(PUBLIC);
    const ctx = await context();
    const page = await ctx.newPage();
    assert.equal((await page.goto(`${s.url}account.psp`))?.status(), 200);
    const first = await visit(page);
    assert.deepEqual(first, { n: 1, id: first.id, isNew: true });
    const [cookie] = await ctx.cookies();
    assert.equal(cookie.name, "sid");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.value.slice(0, 8), first.id);

    // The browser sends the cookie back: the same session counts on.
    assert.equal((await page.reload())?.status(), 200);
    assert.deepEqual(await visit(page), { n: 2, id: first.id, isNew: false });

    await page.getByPlaceholder("name", { exact: true }).fill("<ann>");
    await page.getByPlaceholder("password (demo)").fill("nope");
    const wrong = await follow(page, page.getByRole("button", { name: "sign in", exact: true }));
    assert.equal(wrong.status(), 200);
    assert.equal(
      await page.locator("p.error").innerText(),
      "Wrong name or password (any name, password demo).",
    );
    assert.deepEqual(await visit(page), { n: 3, id: first.id, isNew: false });

    await page.getByPlaceholder("name", { exact: true }).fill("<ann>");
    await page.getByPlaceholder("password (demo)").fill("demo");
    const signedIn = await follow(page, page.getByRole("button", { name: "sign in", exact: true }));
    // The POST answered 302 (counting visit 4), and the browser followed it with a GET.
    const post = signedIn.request().redirectedFrom();
    assert.equal(post?.method(), "POST");
    assert.equal((await post?.response())?.status(), 302);
    assert.equal(signedIn.status(), 200);
    assert.equal(page.url(), `${s.url}account.psp`);
    assert.equal(
      await page.locator("p", { hasText: "Signed in as" }).innerText(),
      "Signed in as <ann>.",
    );
    const renewed = await visit(page);
    assert.equal(renewed.n, 5);
    assert.notEqual(renewed.id, first.id);
    assert.equal((await ctx.cookies())[0].value.slice(0, 8), renewed.id);

    const signedOut = await follow(
      page,
      page.getByRole("button", { name: "sign out", exact: true }),
    );
    assert.equal(signedOut.status(), 200);
    const fresh = await visit(page);
    assert.deepEqual(fresh, { n: 1, id: fresh.id, isNew: true });
    assert.notEqual(fresh.id, renewed.id);
    assert.equal(await page.getByRole("button", { name: "sign in", exact: true }).count(), 1);
    assert.equal(await page.locator("p", { hasText: "Signed in as" }).count(), 0);
  },
);

browserTest("browser: the members area needs demo / demo", async ({ context }) => {
  await using s = await serveRoot(PUBLIC);
  const members = `${s.url}members/`;

  // No credentials: headless Chromium has no dialog to ask for them, so after the 401 it
  // abandons the navigation.
  const anonymous = await (await context()).newPage();
  const refused = anonymous.waitForResponse(members);
  await assert.rejects(anonymous.goto(members), /net::ERR_INVALID_AUTH_CREDENTIALS/);
  assert.equal((await refused).status(), 401);
  assert.equal(
    await (await refused).headerValue("www-authenticate"),
    'Basic realm="modts members (demo / demo)"',
  );

  // Wrong credentials: tried once, then the 401 page is shown.
  const wrong = await (await context({ httpCredentials: { username: "demo", password: "x" } }))
    .newPage();
  assert.equal((await wrong.goto(members))?.status(), 401);
  assert.equal(await wrong.locator("h1").innerText(), "401 Unauthorized");

  const member = await (await context({ httpCredentials: { username: "demo", password: "demo" } }))
    .newPage();
  assert.equal((await member.goto(members))?.status(), 200);
  assert.equal(await member.locator("h1").innerText(), "Members");
  assert.equal(await member.locator("p strong").innerText(), "demo");
  assert.equal(
    await member.locator("p").last().innerText(),
    "The directory's options reach the page as req.options: area = members.",
  );
});

browserTest(
  "browser: an uploaded file's name, size and type are shown, escaped",
  async ({ context }) => {
    await using s = await serveRoot(PUBLIC);
    const dir = await Deno.makeTempDir({ prefix: "modts-upload-" });
    try {
      const file = join(dir, "notes <v2> & co.txt");
      const content = "first <b>line</b>, café\nsecond & third\nthird\nfourth\n";
      await Deno.writeTextFile(file, content);
      const page = await (await context()).newPage();
      assert.equal((await page.goto(`${s.url}upload.psp`))?.status(), 200);
      assert.equal(await page.locator("dl").count(), 0);

      await page.locator('input[type="file"]').setInputFiles(file);
      await page.getByPlaceholder("caption").fill("<i>mine</i>");
      const uploaded = await follow(
        page,
        page.getByRole("button", { name: "upload", exact: true }),
      );
      assert.equal(uploaded.status(), 200);
      assert.deepEqual(await page.locator("dl dd").allInnerTexts(), [
        "notes <v2> & co.txt",
        "53 bytes", // 52 characters: é takes two bytes
        "text/plain",
        "<i>mine</i>",
      ]);
      assert.equal(
        await page.locator("pre").innerText(),
        "first <b>line</b>, café\nsecond & third\nthird",
      );
      assert.equal(await page.locator("dl i, pre b").count(), 0);

      // The new page's file input is empty again: sending it so is refused.
      const nothing = await follow(page, page.getByRole("button", { name: "upload", exact: true }));
      assert.equal(nothing.status(), 400);
      assert.equal(
        await page.locator("p.error").innerText(),
        "No file was sent: choose one, then upload.",
      );
      assert.equal(await page.locator("dl").count(), 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
