import { relative, resolve } from "node:path";
import { findConfigFile, readConfigFile } from "../config/config_file.ts";
import { UsageError } from "../config/options.ts";
import { type FileKind, fileKind } from "../dispatch/names.ts";
import type { Diagnostic } from "../dispatch/registry.ts";
import { DIRECTORY_FILE } from "../directory/directories.ts";
import { baseSettings, merge } from "../directory/settings.ts";
import { ModuleLoader } from "../modules/loader.ts";
import { defaultRegistry, DIRECTORY_INDEX } from "../server/handlers.ts";
import { parseFlags } from "./flags.ts";

export const checkHelp = `Usage: modts check ROOT

Checks a document root before it is served: the config file beside it, symlinks that lead
out of it (never followed), and every module: syntax, errors while it loads, and types
(with deno check, when modts runs on deno with --allow-run, not as a compiled binary). Prints each
problem as file:line: message; exits 1 if there are errors.
`;

async function* walk(dir: string): AsyncGenerator<{ path: string; entry: Deno.DirEntry }> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    yield { path, entry };
    if (entry.isDirectory) yield* walk(path);
  }
}

/** Each `_directory.ts` that loaded: its exports must be settings modts understands. */
async function checkDirectories(
  modules: string[],
  realRoot: string,
  found: Diagnostic[],
): Promise<Diagnostic[]> {
  const base = baseSettings({
    debug: false,
    autoreload: false,
    maxBodySize: 0,
    directoryIndex: DIRECTORY_INDEX,
  });
  const out: Diagnostic[] = [];
  const loader = new ModuleLoader({ root: realRoot, autoreload: false });
  for (const file of modules) {
    if (!file.endsWith(`/${DIRECTORY_FILE}`) || found.some((d) => d.file === file)) continue;
    try {
      const urlDir = file.slice(realRoot.length, -DIRECTORY_FILE.length);
      merge(base, (await loader.load(file)).exports, file, urlDir);
    } catch (e) {
      out.push({
        file,
        message: e instanceof Error ? e.message.replace(`${file}: `, "") : String(e),
      });
    }
  }
  return out;
}

export async function check(args: string[]): Promise<number> {
  const { positionals, help } = parseFlags(args, [], 1);
  if (help) {
    console.log(checkHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("check needs a ROOT directory");
  const root = resolve(positionals[0]);
  let realRoot: string;
  try {
    realRoot = await Deno.realPath(root);
    if (!(await Deno.stat(realRoot)).isDirectory) throw new Error("not a directory");
  } catch (e) {
    console.error(`${root}: ${e instanceof Error ? e.message : e}`);
    return 1;
  }
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  try {
    const configFile = await findConfigFile(root);
    if (configFile) await readConfigFile(configFile);
  } catch (e) {
    errors.push({ file: root, message: (e as Error).message });
  }

  const registry = defaultRegistry();
  const byKind = new Map<FileKind, string[]>();
  let files = 0;
  for await (const { path, entry } of walk(realRoot)) {
    const shown = relative(Deno.cwd(), path) || path;
    if (entry.isSymlink) {
      const target = await Deno.realPath(path).catch(() => null);
      if (target === null) warnings.push({ file: shown, message: "broken symlink" });
      else if (target !== realRoot && !target.startsWith(realRoot + "/")) {
        warnings.push({
          file: shown,
          message: `symlink leads outside ROOT (${target}): never served`,
        });
      }
      continue;
    }
    if (!entry.isFile) continue;
    files++;
    const kind = fileKind(entry.name);
    const handler = registry.get(kind);
    if (!handler) {
      warnings.push({ file: shown, message: `no handler serves ${kind} files: never served` });
    } else {
      byKind.set(kind, [...byKind.get(kind) ?? [], path]);
    }
  }
  for (const [kind, paths] of byKind) {
    const handler = registry.get(kind)!;
    if (handler.check) errors.push(...await handler.check(paths, realRoot));
  }
  errors.push(...await checkDirectories(byKind.get("module") ?? [], realRoot, errors));
  const line = (d: Diagnostic) => `${d.file}${d.line ? `:${d.line}` : ""}: ${d.message}`;
  for (const d of errors) console.log(`${line(d)}`);
  for (const d of warnings) console.log(`${line(d)} (warning)`);
  console.log(`checked ${files} files: ${errors.length} errors, ${warnings.length} warnings`);
  return errors.length > 0 ? 1 : 0;
}
