// The TypeScript examples in the README and docs/ are code a user would copy: each must pass
// `deno check` as a module of a site whose deno.json maps `modts` to this mod.ts.
import assert from "node:assert/strict";
import { join } from "node:path";
import { PROJECT } from "./helpers.ts";

Deno.test("every ```ts example in the README and docs/ type-checks against modts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "modts-docs-" });
  const files = [
    "README.md",
    ...[...Deno.readDirSync(join(PROJECT, "docs"))].map((e) => `docs/${e.name}`),
  ];
  const examples: string[] = [];
  for (const file of files.filter((f) => f.endsWith(".md"))) {
    const text = await Deno.readTextFile(join(PROJECT, file));
    for (const [i, m] of [...text.matchAll(/```ts\n([\s\S]*?)```/g)].entries()) {
      const name = `${file.replace(/[/.]/g, "_")}_${i}.ts`;
      await Deno.writeTextFile(join(dir, name), m[1]);
      examples.push(name);
    }
  }
  assert.ok(examples.length >= 5, `found ${examples.length} examples`);
  await Deno.writeTextFile(
    join(dir, "deno.json"),
    JSON.stringify({
      imports: { modts: new URL("../mod.ts", import.meta.url).href },
      unstable: ["kv"],
    }),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", "--no-lock", ...examples],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  await Deno.remove(dir, { recursive: true });
});
