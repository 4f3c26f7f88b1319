// _startup.ts (issue 12): runs once before the first request, its returned function at
// shutdown; a failure is logged once and the site answers 503 until the file is fixed.
import assert from "node:assert/strict";
import { join } from "node:path";
import { serveRoot, tempTree } from "./helpers.ts";

Deno.test("_startup.ts runs once before the first request, and what it returns at shutdown", async () => {
  const root = await tempTree({
    "_lib/state.ts": "export const state = { runs: 0, shutdowns: 0 };",
    "_startup.ts": `import { state } from "./_lib/state.ts";
export default async function () {
  await new Promise((r) => setTimeout(r, 50)); // the server listens only once this is done
  state.runs++;
  return async () => {
    state.shutdowns++;
    await Deno.writeTextFile(${
      JSON.stringify(join("DIR", "stopped.txt"))
    }.replace("DIR", import.meta.dirname!), String(state.runs));
  };
}`,
    "m.ts": `import { state } from "./_lib/state.ts";
export const index = () => \`runs \${state.runs}\`;`,
  });
  {
    await using s = await serveRoot(root);
    const answers = await Promise.all([1, 2, 3].map(() => s.fetch("/m").then((r) => r.text())));
    assert.deepEqual(answers, ["runs 1", "runs 1", "runs 1"]);
    assert.equal((await s.fetch("/_startup.ts")).status, 403); // never served
  }
  assert.equal(await Deno.readTextFile(join(root, "stopped.txt")), "1");
});

Deno.test("a failing _startup.ts: logged once, 503 until an edit fixes it", async () => {
  const root = await tempTree({
    "_startup.ts": `export default function () { throw new Error("no database"); }`,
    "m.ts": "export const index = () => 'served';",
  });
  await using s = await serveRoot(root, { fsTtl: 0 });
  for (let i = 0; i < 3; i++) {
    const res = await s.fetch("/m");
    assert.equal(res.status, 503);
    assert.match(await res.text(), /The site failed to start\./);
  }
  const failures = s.logs.filter((l) => l.startsWith("_startup.ts failed"));
  assert.equal(failures.length, 1, s.logs.join("\n"));
  assert.match(
    failures[0],
    /^_startup\.ts failed; the site answers 503 until it is fixed: Error: no database/,
  );
  await Deno.writeTextFile(join(root, "_startup.ts"), "export default function () {}\n");
  const fixed = await s.fetch("/m");
  assert.equal(fixed.status, 200);
  assert.equal(await fixed.text(), "served");
});
