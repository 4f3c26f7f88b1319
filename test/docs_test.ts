// The TypeScript examples in the README and docs/ are code a user would copy: each must pass
// `deno check` as a module of a site whose deno.json maps `modts` to this mod.ts (and
// `modts/client` to client.ts), beside the demo's calc.ts for the client's examples.
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
  await Deno.copyFile(join(PROJECT, "public/calc.ts"), join(dir, "calc.ts"));
  await Deno.writeTextFile(
    join(dir, "deno.json"),
    JSON.stringify({
      imports: {
        "modts": new URL("../mod.ts", import.meta.url).href,
        "modts/client": new URL("../client.ts", import.meta.url).href,
        // As a user's site that mounts modts in a Hono app maps it.
        hono: JSON.parse(await Deno.readTextFile(join(PROJECT, "deno.json"))).imports.hono,
      },
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

Deno.test("a user's file type-checks under strict options, and never reaches modts's internals", async () => {
  const dir = await Deno.makeTempDir({ prefix: "modts-types-" });
  const mod = new URL("../mod.ts", import.meta.url).href;
  await Deno.writeTextFile(
    join(dir, "deno.json"),
    JSON.stringify({
      imports: { modts: mod },
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noImplicitOverride: true,
        noImplicitReturns: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
        noPropertyAccessFromIndexSignature: true,
        noFallthroughCasesInSwitch: true,
      },
    }),
  );
  await Deno.writeTextFile(
    join(dir, "user.ts"),
    `import { type DirectoryConfig, DONE, escapeHtml, HttpError, type Hook, type Req, type Session, type Upload } from "modts";
export const config: DirectoryConfig = { session: { timeout: 60 } };
export const access: Hook = (req: Req) => (req.user ? DONE : undefined);
export async function visit(req: Req, file?: Upload): Promise<string> {
  const s: Session = await req.session();
  s.data["n"] = Number(s.data["n"] ?? 0) + 1;
  if (file && file.size > 10) throw new HttpError(413, "too big");
  import.meta.hot?.dispose(() => {});
  return escapeHtml(String(s.data["n"]));
}
`,
  );
  const check = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", "--no-lock", "user.ts"],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(check.code, 0, new TextDecoder().decode(check.stderr));
  // What type-checking mod.ts reaches: the public types and two dependency-free files.
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--no-lock", mod],
    cwd: dir,
    stdout: "piped",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(info.stdout));
  const modules = graph.modules.map((m: { specifier: string }) =>
    m.specifier.slice(new URL("../", import.meta.url).href.length)
  ).sort();
  assert.deepEqual(modules, [
    "mod.ts",
    "src/api/directory.ts",
    "src/api/handler.ts",
    "src/api/hot.ts",
    "src/api/request.ts",
    "src/api/session.ts",
    "src/http/html.ts",
    "src/http/status.ts",
  ]);
  // modts's own modules need no config of modts's: run from a folder with none.
  const version = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-lock", "-A", new URL("../main.ts", import.meta.url).href, "version"],
    cwd: await Deno.makeTempDir(),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(version.code, 0, new TextDecoder().decode(version.stderr));
  await Deno.remove(dir, { recursive: true });
});
