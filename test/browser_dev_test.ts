// The development loop in Chromium: a page reloads itself when its file is edited, a module's
// syntax error shows the debug page with its source, fixing it brings the page back, and the
// status pages are styled.
import assert from "node:assert/strict";
import { LIVE_RELOAD_PATH } from "../src/dev/live_reload.ts";
import { browserTest, type Page } from "./browser.ts";
import { serveRoot, tempTree } from "./helpers.ts";

/** Opens `url` and waits until its live-reload stream is connected. */
async function openLive(page: Page, url: string): Promise<void> {
  const listening = page.waitForResponse((r) => r.url().endsWith(LIVE_RELOAD_PATH));
  await page.goto(url);
  await listening;
}

browserTest(
  "browser: an edited page shows its new text by itself within 1.5 s",
  async ({ context }) => {
    const root = await tempTree({ "page.psp": '<h1 id="t">first version</h1>' });
    await using s = await serveRoot(root, { liveReload: true });
    const page = await (await context()).newPage();
    await openLive(page, `${s.url}page.psp`);
    assert.equal(await page.locator("#t").innerText(), "first version");
    await Deno.writeTextFile(`${root}/page.psp`, '<h1 id="t">second version</h1>');
    await page.locator("#t", { hasText: "second version" }).waitFor({ timeout: 1500 });
  },
);

browserTest(
  "browser: a syntax error shows the debug page with its source; the fix reloads the page",
  async ({ context }) => {
    const good = 'export function index() {\n  return "<!doctype html><h1>hello</h1>";\n}\n';
    const root = await tempTree({ "hello.ts": good });
    await using s = await serveRoot(root, { liveReload: true, debug: true });
    const page = await (await context()).newPage();
    await openLive(page, `${s.url}hello`);
    assert.equal(await page.locator("h1").innerText(), "hello");

    await Deno.writeTextFile(`${root}/hello.ts`, good.replace("return", "return = ;"));
    const mark = page.locator("pre.source mark");
    await mark.waitFor();
    assert.equal(await page.locator("h1").innerText(), "500 Internal Server Error");
    assert.equal(await page.locator(".message").innerText(), "syntax error: Expression expected");
    assert.equal(
      await mark.innerText(),
      '2    return = ; "<!doctype html><h1>hello</h1>";\n            ^',
    );

    await Deno.writeTextFile(`${root}/hello.ts`, good);
    await page.locator("h1", { hasText: /^hello$/ }).waitFor();
  },
);

browserTest("browser: status pages share one style and fetch nothing", async ({ context }) => {
  const root = await tempTree({ "index.html": "home" });
  await using s = await serveRoot(root);
  const page = await (await context()).newPage();
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  const res = await page.goto(`${s.url}no/such/page`);
  assert.equal(res?.status(), 404);
  assert.equal(await page.title(), "404 Not Found");
  // (As text: this test's code is type-checked without the DOM's types.)
  const look = await page.evaluate(`({
    font: getComputedStyle(document.body).fontFamily,
    rule: getComputedStyle(document.querySelector("h1")).borderBottomColor,
  })`);
  assert.deepEqual(look, { font: "system-ui, sans-serif", rule: "rgb(47, 111, 222)" });
  assert.deepEqual(requests, [`${s.url}no/such/page`]);
});
