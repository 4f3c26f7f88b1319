import { relative, resolve } from "node:path";
import { findConfigFile, readConfigFile } from "../config/config_file.ts";
import { type OptionSpec, UsageError } from "../config/options.ts";
import { type FileKind, fileKind } from "../dispatch/names.ts";
import type { Diagnostic } from "../dispatch/registry.ts";
import { DIRECTORY_FILE } from "../directory/directories.ts";
import { merge } from "../directory/settings.ts";
import type { ModuleLoader } from "../modules/loader.ts";
import { defaultRegistry } from "../server/handlers.ts";
import { parseFlags } from "./flags.ts";
import { offlineSettings } from "./offline_settings.ts";
import { typeCheck, typeCheckUnavailable } from "./type_check.ts";

export const checkHelp = `Usage: modts check ROOT [--no-types]

Checks a document root before it is served: the config file beside it, the site's deno.json,
symlinks that lead out of it (never followed), every module, page and _directory.ts as the
server loads them (syntax, imports, errors while they load, settings), and the types of its
TypeScript with the site's deno.json (by running deno check: it needs --allow-run, and a
compiled modts has no type checker; --no-types skips this part). Prints each problem as
file:line: message; exits 1 if there are errors, also when types could not be checked.
`;

const CHECK_OPTIONS: readonly OptionSpec<"types">[] = [
  { key: "types", flag: "--types", type: "boolean", help: "check types (on; --no-types)" },
];

async function* walk(dir: string): AsyncGenerator<{ path: string; entry: Deno.DirEntry }> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    yield { path, entry };
    if (entry.isDirectory) yield* walk(path);
  }
}

/** Each `_directory.ts` that loaded: its exports must be settings modts understands. */
async function checkDirectories(
  files: string[],
  realRoot: string,
  modules: ModuleLoader,
  found: Diagnostic[],
): Promise<Diagnostic[]> {
  const base = offlineSettings();
  const out: Diagnostic[] = [];
  for (const file of files) {
    if (!file.endsWith(`/${DIRECTORY_FILE}`) || found.some((d) => d.file === file)) continue;
    try {
      const urlDir = file.slice(realRoot.length, -DIRECTORY_FILE.length);
      merge(base, (await modules.load(file)).exports, file, urlDir);
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
  const { positionals, values, help } = parseFlags<{ types?: boolean }>(args, CHECK_OPTIONS, 1);
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
  const modules = registry.moduleLoader({ root: realRoot, autoreload: false });
  try {
    await modules.siteConfig();
  } catch (e) {
    errors.push({ file: root, message: e instanceof Error ? e.message : String(e) });
  }
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
    if (handler.check) errors.push(...await handler.check(paths, modules));
  }
  const typescript = byKind.get("module") ?? [];
  errors.push(...await checkDirectories(typescript, realRoot, modules, errors));
  if (values.types !== false) {
    // Files that did not load already have their error; the others' types are checked.
    const loaded = typescript.filter((f) => !errors.some((d) => d.file === f));
    const unavailable = typeCheckUnavailable();
    if (unavailable) errors.push({ file: root, message: `types not checked: ${unavailable}` });
    else errors.push(...await typeCheck(loaded, await modules.siteConfig()));
  }
  await modules.close();
  const line = (d: Diagnostic) => `${d.file}${d.line ? `:${d.line}` : ""}: ${d.message}`;
  for (const d of errors) console.log(`${line(d)}`);
  for (const d of warnings) console.log(`${line(d)} (warning)`);
  console.log(`checked ${files} files: ${errors.length} errors, ${warnings.length} warnings`);
  return errors.length > 0 ? 1 : 0;
}
