import assert from "node:assert/strict";
import { join } from "node:path";
import { peakRss, spawnServer, tempTree } from "./helpers.ts";

const MiB = 1024 * 1024;

Deno.test("SIGTERM: in-flight responses finish, new connections are refused, exit 0", async () => {
  const base = await tempTree({ "site/big.bin": new Uint8Array(32 * MiB).fill(7) });
  const server = await spawnServer([join(base, "site"), "--port", "0"]);
  const res = await fetch(`${server.url}big.bin`);
  const reader = res.body!.getReader();
  let received = (await reader.read()).value!.length;
  server.child.kill("SIGTERM");
  // The server stops listening before it finishes the download in flight.
  const deadline = Date.now() + 5000;
  let refused = false;
  while (!refused && Date.now() < deadline) {
    refused = await Deno.connect({ hostname: "127.0.0.1", port: server.port }).then(
      (c) => (c.close(), false),
      () => true,
    );
  }
  assert.ok(refused, "still accepting connections after SIGTERM");
  for (let r = await reader.read(); !r.done; r = await reader.read()) received += r.value.length;
  assert.equal(received, 32 * MiB);
  assert.equal((await server.status).code, 0);
  assert.match(server.output(), /shutting down/);
});

Deno.test("SIGINT with a stalled client: shutdown is bounded by --shutdown-timeout", async () => {
  const base = await tempTree({ "site/big.bin": new Uint8Array(64 * MiB) });
  const server = await spawnServer([join(base, "site"), "--port", "0", "--shutdown-timeout", "1"]);
  const res = await fetch(`${server.url}big.bin`);
  const reader = res.body!.getReader();
  await reader.read(); // then never read again
  const t0 = Date.now();
  server.child.kill("SIGINT");
  assert.equal((await server.status).code, 0);
  const took = Date.now() - t0;
  assert.ok(took >= 900 && took < 5000, `shutdown took ${took} ms`);
  assert.match(server.output(), /still running after 1s/);
  await reader.cancel().catch(() => {});
});

Deno.test("a 1 GiB file streams without being read into memory", async () => {
  const base = await tempTree({ "site/index.html": "" });
  const path = join(base, "site/huge.bin");
  const f = await Deno.open(path, { write: true, create: true });
  await f.truncate(1024 * MiB); // sparse: no disk used
  f.close();
  const server = await spawnServer([join(base, "site"), "--port", "0"]);
  try {
    const warm = await fetch(server.url);
    await warm.body?.cancel();
    const before = await peakRss(server.child.pid);
    const res = await fetch(`${server.url}huge.bin`);
    assert.equal(res.headers.get("content-length"), String(1024 * MiB));
    let received = 0;
    for await (const chunk of res.body!) received += chunk.length;
    assert.equal(received, 1024 * MiB);
    const growth = (await peakRss(server.child.pid)) - before;
    console.log(`peak RSS growth serving 1 GiB: ${(growth / MiB).toFixed(1)} MiB`);
    assert.ok(growth < 100 * MiB, `peak RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
