// `deno compile` needs a denort binary that cannot be downloaded here: this test runs only
// when one is present (DENORT_BIN, or a pre-seeded DENO_DIR), and is reported as ignored
// otherwise.
import assert from "node:assert/strict";
import { join } from "node:path";
import { PROJECT, tempTree } from "./helpers.ts";

function denortAvailable(): boolean {
  const bin = Deno.env.get("DENORT_BIN");
  if (bin) return true;
  const dir = Deno.env.get("DENO_DIR") ?? join(Deno.env.get("HOME") ?? "/", ".cache/deno");
  try {
    Deno.statSync(
      join(dir, `dl/release/v${Deno.version.deno}/denort-x86_64-unknown-linux-gnu.zip`),
    );
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "deno task compile builds one executable that serves a root",
  ignore: !denortAvailable(),
  async fn() {
    const out = join(await Deno.makeTempDir(), "modts");
    const build = await new Deno.Command(Deno.execPath(), {
      args: [
        "compile",
        "--no-lock",
        "--allow-read",
        "--allow-write",
        "--allow-net",
        "--allow-env",
        "--allow-sys",
        // As `deno task compile` does:
        ...["--include", "public", "--include", "src/server/worker_main.ts"],
        "--output",
        out,
        "main.ts",
      ],
      cwd: PROJECT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));
    const version = await new Deno.Command(out, { args: ["version"], stdout: "piped" }).output();
    assert.match(new TextDecoder().decode(version.stdout), /^modts /);
    const root = await tempTree({ "site/index.html": "compiled" });
    const child = new Deno.Command(out, {
      args: ["serve", join(root, "site"), "--port", "0"],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!/http:\/\/\S+\//.test(text)) text += (await reader.read()).value ?? "";
    const url = /http:\/\/\S+\//.exec(text)![0];
    try {
      assert.equal(await (await fetch(url)).text(), "compiled");
    } finally {
      child.kill("SIGTERM");
      assert.equal((await child.status).code, 0);
      await reader.cancel();
    }
    // No ROOT and no ./public: the demo site embedded at compile time, data in the working dir.
    const empty = await Deno.makeTempDir();
    const shipped = new Deno.Command(out, {
      args: ["serve", "--port", "0"],
      cwd: empty,
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const shippedReader = shipped.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let shippedText = "";
    while (!/http:\/\/\S+\//.test(shippedText)) {
      shippedText += (await shippedReader.read()).value ?? "";
    }
    try {
      const res = await fetch(/http:\/\/\S+\//.exec(shippedText)![0]);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), await Deno.readTextFile(join(PROJECT, "public/index.html")));
      assert.ok((await Deno.stat(join(empty, ".modts"))).isDirectory);
    } finally {
      shipped.kill("SIGTERM");
      assert.equal((await shipped.status).code, 0);
      await shippedReader.cancel();
    }
  },
});
