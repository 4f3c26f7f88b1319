import assert from "node:assert/strict";
import { join } from "node:path";
import { echoRegistry } from "./fixtures/echo_handler.ts";
import { peakRss, readRawResponse, serveRoot, tempTree } from "./helpers.ts";

const MiB = 1024 * 1024;
const BOUNDARY = "----modts-test-boundary";

/** A multipart body with one field and one `size`-byte file, generated as it is sent. */
function multipartStream(size: number): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const chunk = new Uint8Array(MiB).map((_, i) => i % 256);
  const head = enc.encode(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nbig one\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = enc.encode(`\r\n--${BOUNDARY}--\r\n`);
  let sent = -1;
  return new ReadableStream({
    pull(controller) {
      if (sent === -1) {
        controller.enqueue(head);
        sent = 0;
      } else if (sent < size) {
        const n = Math.min(MiB, size - sent);
        controller.enqueue(n === MiB ? chunk : chunk.slice(0, n));
        sent += n;
      } else {
        controller.enqueue(tail);
        controller.close();
      }
    },
  });
}

const MULTIPART = { "content-type": `multipart/form-data; boundary=${BOUNDARY}` };

/**
 * POSTs a multipart body of `size` file bytes over a plain TCP connection, with a
 * Content-Length or chunked, as curl or a browser would (Deno's fetch streams request bodies
 * slowly, and waits forever to send a body the server has refused). Write errors after the
 * server has answered and closed are expected and ignored.
 */
async function rawUpload(port: number, path: string, size: number, chunked = false) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const body = multipartStream(size).getReader();
  for (let r = await body.read(); !r.done; r = await body.read()) parts.push(r.value);
  const length = parts.reduce((n, p) => n + p.length, 0);
  const framing = chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${length}`;
  const out = [
    enc.encode(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n` +
        `Content-Type: ${MULTIPART["content-type"]}\r\n${framing}\r\n\r\n`,
    ),
    ...parts.flatMap((p) =>
      chunked ? [enc.encode(`${p.length.toString(16)}\r\n`), p, enc.encode("\r\n")] : [p]
    ),
    ...(chunked ? [enc.encode("0\r\n\r\n")] : []),
  ];
  const writes = (async () => {
    for (const p of out) {
      for (let at = 0; at < p.length;) at += await conn.write(p.subarray(at));
    }
  })().catch(() => {});
  const response = await readRawResponse(conn);
  await writes;
  return response;
}

/** Uploads `size` bytes; returns the growth of the server's peak RSS, after checks. */
async function upload(url: string, pid: number, size: number, id: string): Promise<number> {
  const before = await peakRss(pid);
  const res = await rawUpload(Number(new URL(url).port), `/u/form?id=${id}`, size);
  assert.equal(res.status, 200);
  const json = JSON.parse(res.body);
  assert.deepEqual(json.fields.note, ["big one"]);
  assert.equal(json.fields.file[0].size, size);
  assert.equal(json.fields.file[0].filename, "big.bin");
  assert.equal(json.uploads[0].bytesOnDisk, size);
  const growth = (await peakRss(pid)) - before;
  console.log(
    `peak RSS growth during a ${size / MiB} MiB upload: ${(growth / MiB).toFixed(1)} MiB`,
  );
  const cleaned = await fetch(
    `${url}u/cleaned?id=${id}&path=${encodeURIComponent(json.uploads[0].path)}`,
  );
  assert.equal(await cleaned.text(), "removed");
  return growth;
}

// Streaming keeps the peak growth about the same whatever the size (V8 may let up to ~64 MiB
// of spent body chunks pile up before collecting them); a body held in memory would grow it by
// at least its own size. The 160 MiB upload tells the two apart.
Deno.test("uploads stream to disk with bounded server memory, then are removed", async () => {
  const root = await tempTree({ "u.ts": "" });
  const dataDir = await Deno.makeTempDir();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(import.meta.dirname!, "fixtures/echo_server.ts"),
      root,
      dataDir,
      String(200 * MiB),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!/ready (\S+)/.test(out)) out += (await reader.read()).value ?? "";
  const url = /ready (\S+)/.exec(out)![1];
  try {
    await upload(url, child.pid, 1024, "warm-up");
    const fifty = await upload(url, child.pid, 50 * MiB, "fifty");
    assert.ok(fifty < 100 * MiB);
    const big = await upload(url, child.pid, 160 * MiB, "big");
    assert.ok(big < 100 * MiB, `peak RSS grew by ${(big / MiB).toFixed(1)} MiB for 160 MiB`);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await reader.cancel();
  }
});

Deno.test("uploads over the body limit get 413, leave no file, and the server stays healthy", async () => {
  const root = await tempTree({ "u.ts": "" });
  await using s = await serveRoot(root, { maxBodySize: MiB }, echoRegistry());
  const declared = await rawUpload(s.port, "/u/form", 2 * MiB);
  assert.equal(declared.status, 413);
  assert.match(declared.body, /larger than 1048576 bytes/);

  const chunked = await rawUpload(s.port, "/u/form?id=over", 3 * MiB, true);
  assert.equal(chunked.status, 413);
  const cleaned = await s.fetch("/u/cleaned?id=over&path=/nonexistent");
  assert.equal(await cleaned.text(), "removed");
  const leftovers: string[] = [];
  for await (const dir of Deno.readDir(s.dataDir)) {
    for await (const f of Deno.readDir(join(s.dataDir, dir.name))) {
      if (f.name !== ".alive") leftovers.push(f.name); // the socket saying the directory is in use
    }
  }
  assert.deepEqual(leftovers, []);

  const ok = await s.fetch("/u/hello");
  assert.equal(await ok.text(), "hello");
});

Deno.test("a truncated or malformed multipart body is a 400", async () => {
  const root = await tempTree({ "u.ts": "" });
  await using s = await serveRoot(root, {}, echoRegistry());
  const truncated = await s.fetch("/u/form", {
    method: "POST",
    body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue`,
    headers: MULTIPART,
  });
  assert.equal(truncated.status, 400);
  await truncated.body?.cancel();
  const noBoundary = await s.fetch("/u/form", {
    method: "POST",
    body: "x",
    headers: { "content-type": "multipart/form-data" },
  });
  assert.equal(noBoundary.status, 400);
  await noBoundary.body?.cancel();
});

Deno.test("several files of one field keep the order of the body, whichever is written first", async () => {
  const root = await tempTree({
    "up.ts": `import type { Upload } from "modts";
export function index(f: Upload[]) { return f.map((u) => \`\${u.filename}:\${u.size}\`).join(","); }`,
  });
  await using s = await serveRoot(root);
  for (let i = 0; i < 5; i++) {
    const form = new FormData();
    // The big one first: its write ends last.
    form.append("f", new File([new Uint8Array(4 * MiB)], "big.bin"));
    form.append("f", new File(["x"], "small.txt"));
    form.append("f", new File(["yz"], "smaller.txt"));
    const res = await s.fetch("/up", { method: "POST", body: form });
    assert.equal(await res.text(), `big.bin:${4 * MiB},small.txt:1,smaller.txt:2`);
  }
});
