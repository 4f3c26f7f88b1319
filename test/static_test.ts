import assert from "node:assert/strict";
import { serveRoot, tempTree } from "./helpers.ts";

const TEXT = "0123456789".repeat(100); // 1000 bytes
const BIG = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 7) % 251);

async function site() {
  const root = await tempTree({
    "a.txt": TEXT,
    "big.bin": BIG,
    "style.css": "body{}",
    "docs/index.html": "<h1>docs</h1>",
    "empty/.keep": "",
    "empty.txt": "",
  });
  return await serveRoot(root);
}

/** The ETag and Last-Modified `/a.txt` is served with. */
async function validators(s: Awaited<ReturnType<typeof site>>) {
  const res = await s.fetch("/a.txt");
  await res.body?.cancel();
  return { etag: res.headers.get("etag")!, lastModified: res.headers.get("last-modified")! };
}

Deno.test("a static file has type, length and validators", async () => {
  await using s = await site();
  const res = await s.fetch("/a.txt");
  assert.equal(res.status, 200);
  assert.equal(await res.text(), TEXT);
  assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(res.headers.get("content-length"), "1000");
  assert.equal(res.headers.get("accept-ranges"), null); // advertised on large files only
  assert.match(res.headers.get("etag")!, /^W\/"3e8-[0-9a-f]+"$/);
  const lm = Date.parse(res.headers.get("last-modified")!);
  assert.ok(Math.abs(lm - Date.now()) < 60_000);
  const css = await s.fetch("/style.css");
  assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
  await css.body?.cancel();
});

Deno.test("If-None-Match and If-Modified-Since give 304 with the validators", async () => {
  await using s = await site();
  const { etag, lastModified } = await validators(s);
  const strong = etag.slice(2);
  for (const inm of [etag, strong, `"nope", ${etag}`, "*"]) {
    const res = await s.fetch("/a.txt", { headers: { "if-none-match": inm } });
    assert.equal(res.status, 304, inm);
    assert.equal(res.headers.get("etag"), etag);
    assert.equal(res.headers.get("last-modified"), lastModified);
    assert.equal(await res.text(), "");
  }
  const miss = await s.fetch("/a.txt", { headers: { "if-none-match": '"other"' } });
  assert.equal(miss.status, 200);
  await miss.body?.cancel();
  const ims = await s.fetch("/a.txt", { headers: { "if-modified-since": lastModified } });
  assert.equal(ims.status, 304);
  const older = new Date(Date.parse(lastModified) - 1000).toUTCString();
  const changed = await s.fetch("/a.txt", { headers: { "if-modified-since": older } });
  assert.equal(changed.status, 200);
  await changed.body?.cancel();
  const garbage = await s.fetch("/a.txt", { headers: { "if-modified-since": "yesterday" } });
  assert.equal(garbage.status, 200);
  await garbage.body?.cancel();
  // If-None-Match wins over If-Modified-Since.
  const both = await s.fetch("/a.txt", {
    headers: { "if-none-match": '"other"', "if-modified-since": lastModified },
  });
  assert.equal(both.status, 200);
  await both.body?.cancel();
  const ifMatch = await s.fetch("/a.txt", { headers: { "if-match": '"other"' } });
  assert.equal(ifMatch.status, 412);
  await ifMatch.body?.cancel();
});

Deno.test("a single Range gives 206; unsatisfiable gives 416; others the whole file", async () => {
  await using s = await site();
  const cases: Array<[string, number, string | null, string]> = [
    ["bytes=0-9", 206, "bytes 0-9/1000", TEXT.slice(0, 10)],
    ["bytes=-5", 206, "bytes 995-999/1000", TEXT.slice(995)],
    ["bytes=990-", 206, "bytes 990-999/1000", TEXT.slice(990)],
    ["bytes=995-5000", 206, "bytes 995-999/1000", TEXT.slice(995)],
    ["bytes=0-1,5-6", 200, null, TEXT],
    ["bytes=5-2", 200, null, TEXT],
    ["items=0-5", 200, null, TEXT],
  ];
  for (const [range, status, contentRange, body] of cases) {
    const res = await s.fetch("/a.txt", { headers: { range } });
    assert.equal(res.status, status, range);
    assert.equal(res.headers.get("content-range"), contentRange, range);
    assert.equal(res.headers.get("content-length"), String(body.length), range);
    assert.equal(await res.text(), body, range);
  }
  for (const range of ["bytes=1000-", "bytes=-0"]) {
    const res = await s.fetch("/a.txt", { headers: { range } });
    assert.equal(res.status, 416, range);
    assert.equal(res.headers.get("content-range"), "bytes */1000");
    await res.body?.cancel();
  }
});

Deno.test("If-Range: a weak ETag never matches; the exact date does", async () => {
  await using s = await site();
  const { etag, lastModified: lm } = await validators(s);
  const weak = await s.fetch("/a.txt", { headers: { range: "bytes=0-1", "if-range": etag } });
  assert.equal(weak.status, 200);
  await weak.body?.cancel();
  const date = await s.fetch("/a.txt", { headers: { range: "bytes=0-1", "if-range": lm } });
  assert.equal(date.status, 206);
  assert.equal(await date.text(), "01");
});

Deno.test("HEAD sends the headers of GET and no body", async () => {
  await using s = await site();
  const res = await s.fetch("/a.txt", { method: "HEAD" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-length"), "1000");
  assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(await res.text(), "");
});

Deno.test("large files stream byte-exact, and ranges inside them work", async () => {
  await using s = await site();
  const res = await s.fetch("/big.bin");
  assert.equal(res.headers.get("content-type"), "application/octet-stream");
  assert.equal(res.headers.get("content-length"), String(BIG.length));
  assert.equal(res.headers.get("accept-ranges"), "bytes");
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), BIG);
  const start = 2 * 1024 * 1024 - 3;
  const part = await s.fetch("/big.bin", { headers: { range: `bytes=${start}-${start + 99999}` } });
  assert.equal(part.status, 206);
  assert.deepEqual(new Uint8Array(await part.arrayBuffer()), BIG.subarray(start, start + 100000));
});

Deno.test("directories: index file, 301 to the slash form, 404 without an index", async () => {
  await using s = await site();
  const index = await s.fetch("/docs/");
  assert.equal(index.status, 200);
  assert.equal(await index.text(), "<h1>docs</h1>");
  const bare = await s.fetch("/docs?x=1&y=2", { redirect: "manual" });
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.get("location"), "/docs/?x=1&y=2");
  await bare.body?.cancel();
  const noIndex = await s.fetch("/empty/");
  assert.equal(noIndex.status, 404);
  await noIndex.body?.cancel();
  const empty = await s.fetch("/empty.txt");
  assert.equal(empty.status, 200);
  assert.equal(empty.headers.get("content-length"), "0");
  assert.equal(await empty.text(), "");
});

Deno.test("static files: other methods get 405 with Allow; path info gets 404", async () => {
  await using s = await site();
  const post = await s.fetch("/a.txt", { method: "POST", body: "x" });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET, HEAD");
  await post.body?.cancel();
  const extra = await s.fetch("/a.txt/more");
  assert.equal(extra.status, 404);
  await extra.body?.cancel();
  const missing = await s.fetch("/nothing-here.txt");
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /404 Not Found/);
});

Deno.test("an edited file is served fresh within a second, with a new ETag", async () => {
  const root = await tempTree({ "v.txt": "one" });
  await using s = await serveRoot(root);
  const before = await s.fetch("/v.txt");
  assert.equal(await before.text(), "one");
  await Deno.writeTextFile(`${root}/v.txt`, "two!");
  const deadline = Date.now() + 3000;
  let body = "";
  let res: Response | undefined;
  while (Date.now() < deadline) {
    res = await s.fetch("/v.txt");
    body = await res.text();
    if (body === "two!") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(body, "two!");
  assert.notEqual(res!.headers.get("etag"), before.headers.get("etag"));
});

Deno.test("a cached file's bytes stay intact when user code changes the ones it was handed", async () => {
  await using s = await serveRoot(
    await tempTree({
      "note.txt": "hello",
      // Code that asked for the response (an internal redirect) and a filter, both writing
      // into the bytes they get: neither may change what the next client is sent.
      "grab.ts": `export async function index(req) {
  const bytes = await (await req.internalRedirect("/note.txt")).bytes();
  bytes.fill(0x58);
  return new TextDecoder().decode(bytes);
}`,
      "up/_directory.ts": `export const outputFilters = () => new TransformStream({
  transform(chunk, c) { chunk.fill(0x59); c.enqueue(chunk); },
});`,
      "up/note.txt": "hello",
    }),
  );
  for (let round = 0; round < 2; round++) {
    assert.equal(await (await s.fetch("/note.txt")).text(), "hello");
    assert.equal(await (await s.fetch("/grab")).text(), "XXXXX");
    assert.equal(await (await s.fetch("/note.txt")).text(), "hello");
    assert.equal(await (await s.fetch("/up/note.txt")).text(), "YYYYY");
    assert.equal(await (await s.fetch("/up/note.txt")).text(), "YYYYY");
  }
});
