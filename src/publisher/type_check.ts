import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../dispatch/registry.ts";

/**
 * True when modts runs on the deno executable (a compiled modts has no type checker) and may
 * start it (--allow-run).
 */
function canTypeCheck(): boolean {
  const deno = Deno.execPath();
  return /^deno(\.exe)?$/.test(basename(deno)) &&
    Deno.permissions.querySync({ name: "run", command: deno }).state === "granted";
}

/**
 * Type errors in `files`, from one `deno check` run: the runtime strips types without
 * checking them, so this is the only place they show.
 */
export async function typeCheck(files: string[]): Promise<Diagnostic[]> {
  if (files.length === 0 || !canTypeCheck()) return [];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", ...files],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.success) return [];
  const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
  const found: Diagnostic[] = [];
  // Each error: `TS2322 [ERROR]: message` … `at file:///path.ts:LINE:COL`.
  for (
    const m of text.matchAll(/(TS\d+) \[ERROR\]: ([^\n]*)[\s\S]*?at (file:\/\/\S+?):(\d+):\d+/g)
  ) {
    found.push({ file: fileURLToPath(m[3]), line: Number(m[4]), message: `${m[1]}: ${m[2]}` });
  }
  if (found.length === 0) found.push({ file: files[0], message: `deno check failed:\n${text}` });
  return found;
}
