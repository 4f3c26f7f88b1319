// The chat demo (public/chat/) in two browsers: over a WebSocket when the server takes them,
// over server-sent events (compressed) when it does not. Each sees the other's messages.
import assert from "node:assert/strict";
import { join } from "node:path";
import { type BrowserRun, browserTest, type Page } from "./browser.ts";
import { PROJECT, serveRoot } from "./helpers.ts";

const PUBLIC = join(PROJECT, "public");

async function signIn(page: Page, base: string, name: string): Promise<void> {
  await page.goto(`${base}account.psp`);
  await page.locator('input[name="name"]').fill(name);
  await page.locator('input[name="password"]').fill("demo");
  await page.getByRole("button", { name: "sign in" }).click();
  await page.getByText(`Signed in as ${name}`).waitFor();
}

/** Ann (signed in) and a guest, each in a browser of their own, on the chat page. */
async function twoTabs(run: BrowserRun, base: string, status: string): Promise<Page[]> {
  const ann = await (await run.context()).newPage();
  await signIn(ann, base, "ann");
  const guest = await (await run.context()).newPage();
  for (const page of [ann, guest]) {
    await page.goto(`${base}chat/`);
    await page.locator("#status", { hasText: status }).waitFor();
  }
  return [ann, guest];
}

async function say(page: Page, text: string): Promise<void> {
  await page.locator('input[name="text"]').fill(text);
  await page.getByRole("button", { name: "send" }).click();
}

async function messages(page: Page, count: number): Promise<string[]> {
  await page.locator("#messages li").nth(count - 1).waitFor();
  return await page.locator("#messages li").allInnerTexts();
}

browserTest("browser: two tabs chat over a WebSocket, named by their sessions", async (run) => {
  await using s = await serveRoot(PUBLIC, { websockets: true });
  const [ann, guest] = await twoTabs(run, s.url, "connected (WebSocket)");
  await say(ann, "hello from ann");
  assert.deepEqual(await messages(guest, 1), ["ann: hello from ann"]);
  await say(guest, "<b>hi</b> & bye");
  assert.deepEqual(await messages(ann, 2), ["ann: hello from ann", "guest: <b>hi</b> & bye"]);
  assert.equal(await ann.locator("#messages b").count(), 0);
  assert.deepEqual(await messages(guest, 2), await messages(ann, 2));
});

browserTest(
  "browser: without --websockets the chat runs on server-sent events, compressed",
  async (run) => {
    await using s = await serveRoot(PUBLIC);
    const page = await (await run.context()).newPage();
    const events = page.waitForResponse((r) => r.url().endsWith("/chat/room/events"));
    await page.goto(`${s.url}chat/`);
    assert.equal(await (await events).headerValue("content-encoding"), "br");
    await page.close();

    const [ann, guest] = await twoTabs(run, s.url, "connected (server-sent events)");
    await say(guest, "anyone here?");
    assert.deepEqual(await messages(ann, 1), ["guest: anyone here?"]);
    await say(ann, "yes");
    assert.deepEqual(await messages(guest, 2), ["guest: anyone here?", "ann: yes"]);
  },
);
