// --workers N (issue 12): isolates sharing one port, with exact sessions, whole access-log
// lines, edits seen everywhere, a dead worker replaced and a drained shutdown.
import assert from "node:assert/strict";
import { join } from "node:path";
import { SESSION_COUNTER, spawnServer, tempTree } from "./helpers.ts";

const SITE = {
  "public/c.ts": `import type { Req } from "modts";
${SESSION_COUNTER}
export const version = () => "v1";
export const who = () => String((globalThis as { name?: string }).name ?? "main");
export function die() { setTimeout(() => self.close(), 300); return "bye"; }
export async function slow() { await new Promise((r) => setTimeout(r, 800)); return "slow done"; }`,
};

/** Asks `path` on fresh connections until every worker has answered `want` (at most 400 times). */
async function fromEveryWorker(url: string, path: string, want: string, workers = 2) {
  const seen = new Set<string>();
  for (let i = 0; i < 400 && seen.size < workers; i++) {
    const [who, got] = await Promise.all(
      ["c/who", path].map((p) =>
        fetch(`${url}${p}`, { headers: { connection: "close" } }).then((r) => r.text())
      ),
    );
    if (got === want) seen.add(who);
  }
  return [...seen].sort();
}

Deno.test("--workers 2: one port, exact sessions, whole log lines, edits seen by every worker", async () => {
  const root = await tempTree(SITE);
  const log = join(root, "access.log");
  const server = await spawnServer([
    join(root, "public"),
    ...["--port", "0", "--workers", "2", "--access-log", log, "--fs-ttl", "0"],
  ]);
  try {
    // The kernel spreads connections over both.
    const who = new Set<string>();
    for (let i = 0; i < 200 && who.size < 2; i++) {
      who.add(
        await (await fetch(`${server.url}c/who`, { headers: { connection: "close" } })).text(),
      );
    }
    assert.deepEqual([...who].sort(), ["modts worker 1", "modts worker 2"]);

    // 200 concurrent increments of one session, over new connections to both workers.
    const first = await fetch(`${server.url}c`);
    const cookie = first.headers.get("set-cookie")!.split(";")[0];
    assert.equal(await first.text(), "1");
    await Promise.all(
      Array.from(
        { length: 200 },
        () =>
          fetch(`${server.url}c`, { headers: { cookie, connection: "close" } }).then((r) =>
            r.text()
          ),
      ),
    );
    assert.equal(await (await fetch(`${server.url}c`, { headers: { cookie } })).text(), "202");

    // An edit reaches every worker.
    const file = join(root, "public/c.ts");
    await Deno.writeTextFile(file, (await Deno.readTextFile(file)).replace('"v1"', '"v2"'));
    assert.deepEqual(await fromEveryWorker(server.url, "c/version", "v2"), [
      "modts worker 1",
      "modts worker 2",
    ]);
  } finally {
    assert.equal(await server.stop(), 0);
  }
  // Every line whole: 200-odd lines written by two isolates to one file at once.
  const lines = (await Deno.readTextFile(log)).split("\n").filter((l) => l !== "");
  assert.ok(lines.length >= 203, `${lines.length} lines`);
  const bad = lines.filter((l) =>
    !/^127\.0\.0\.1 - - \[[^\]]+\] "GET \/c\S* HTTP\/1\.1" 200 \d+ "-" "[^"]*"$/.test(l)
  );
  assert.deepEqual(bad, []);
});

Deno.test("--workers 2: a worker that dies is replaced; SIGTERM drains every worker", async () => {
  const root = await tempTree(SITE);
  const server = await spawnServer([join(root, "public"), "--port", "0", "--workers", "2"]);
  let stopped = false;
  try {
    // Ask until the worker that answers is made to end itself.
    assert.equal(await (await fetch(`${server.url}c/die`)).text(), "bye");
    await server.waitFor(/worker [12] stopped \(no answer for 10 s\); starting another\n/);
    assert.deepEqual(await fromEveryWorker(server.url, "c/version", "v1"), [
      "modts worker 1",
      "modts worker 2",
    ]);
    // Requests in flight on both workers when SIGTERM arrives are answered.
    const slow = Array.from(
      { length: 6 },
      () =>
        fetch(`${server.url}c/slow`, { headers: { connection: "close" } }).then((r) => r.text()),
    );
    await new Promise((r) => setTimeout(r, 200)); // they have reached the workers
    const code = server.stop();
    stopped = true;
    assert.deepEqual(await Promise.all(slow), Array(6).fill("slow done"));
    assert.equal(await code, 0);
  } finally {
    if (!stopped) await server.stop();
  }
});
