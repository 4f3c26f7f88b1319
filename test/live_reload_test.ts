// --live-reload over real HTTP: which answers get the script, the event stream, bursts of
// changes, and shutdown (browser_dev_test.ts watches a real page reload itself).
import assert from "node:assert/strict";
import { LIVE_RELOAD_PATH } from "../src/dev/live_reload.ts";
import { serveRoot, tempTree } from "./helpers.ts";

const SCRIPT =
  /\n<script>\(\(\)=>\{const s=new EventSource\("\/_modts\/live-reload"\);[^<]*<\/script>\n$/;

/** The events of a live-reload stream, one `{event, data}` at a time. */
function eventsOf(body: ReadableStream<Uint8Array>) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  return {
    reader,
    async next(): Promise<{ event: string; data: string }> {
      while (!buffered.includes("\n\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error("the event stream ended");
        buffered += value;
      }
      const end = buffered.indexOf("\n\n");
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const field = (name: string) =>
        block.split("\n").find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? "";
      return { event: field("event"), data: field("data") };
    },
  };
}

Deno.test("live reload: HTML answers end with the script; nothing else changes", async () => {
  const root = await tempTree({
    "page.psp": "<p>v1</p>",
    "index.html": "<h1>home</h1>",
    "data.json": "{}",
    "fail.ts": "export function index() { throw new Error('x'); }",
  });
  await using s = await serveRoot(root, { liveReload: true, debug: true });
  const page = await s.fetch("/page.psp");
  assert.equal(page.headers.get("content-length"), null);
  const text = await page.text();
  assert.ok(text.startsWith("<p>v1</p>\n<script>"), text);
  assert.match(text, SCRIPT);
  assert.match(await (await s.fetch("/")).text(), /^<h1>home<\/h1>\n<script>/);
  assert.equal(await (await s.fetch("/data.json")).text(), "{}");
  const head = await s.fetch("/page.psp", { method: "HEAD" });
  assert.equal(await head.text(), "");
  // Error pages too: fixing the error reloads the page that shows it.
  const missing = await s.fetch("/nope");
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), SCRIPT);
  const failed = await s.fetch("/fail");
  assert.equal(failed.status, 500);
  assert.match(await failed.text(), SCRIPT);

  await using off = await serveRoot(root);
  assert.equal(await (await off.fetch("/page.psp")).text(), "<p>v1</p>");
  const none = await off.fetch(LIVE_RELOAD_PATH);
  assert.equal(none.status, 403); // a private name, as any other
  await none.body?.cancel();
});

Deno.test("live reload: one reload per burst of changes, edits seen at once, ended at shutdown", async () => {
  const root = await tempTree({ "page.psp": "<p>v1</p>" });
  const s = await serveRoot(root, { liveReload: true });
  try {
    const res = await s.fetch(LIVE_RELOAD_PATH);
    assert.equal(res.headers.get("content-type"), "text/event-stream");
    const events = eventsOf(res.body!);
    const hello = await events.next();
    assert.equal(hello.event, "hello");
    assert.match(hello.data, /^[0-9a-f-]{36}$/);

    await Deno.writeTextFile(`${root}/page.psp`, "<p>v2</p>");
    assert.deepEqual(await events.next(), { event: "reload", data: "page.psp" });
    // Seen at once (no file-system TTL with live reload on).
    assert.match(await (await s.fetch("/page.psp")).text(), /^<p>v2<\/p>/);

    // Twenty files at once, then one more: two reloads, the second for the last file alone.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => Deno.writeTextFile(`${root}/burst${i}.txt`, "x")),
    );
    assert.equal((await events.next()).event, "reload");
    // Editors' swap and backup files are not changes of the site.
    await Deno.writeTextFile(`${root}/.page.psp.swp`, "x");
    await Deno.writeTextFile(`${root}/page.psp~`, "x");
    await Deno.writeTextFile(`${root}/last.txt`, "x");
    assert.deepEqual(await events.next(), { event: "reload", data: "last.txt" });

    // Shutdown ends the stream instead of waiting for it (until the shutdown timeout).
    await s.shutdown();
    assert.deepEqual(await events.reader.read(), { done: true, value: undefined });
    assert.deepEqual(s.logs.filter((l) => l.includes("still running")), []);
  } finally {
    await s[Symbol.asyncDispose]();
  }
});
