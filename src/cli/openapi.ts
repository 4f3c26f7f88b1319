import { basename, resolve } from "node:path";
import { type OptionSpec, UsageError } from "../config/options.ts";
import type { Diagnostic } from "../dispatch/registry.ts";
import { isPrivateName } from "../dispatch/names.ts";
import { DIRECTORY_FILE } from "../directory/directories.ts";
import { merge, type Settings } from "../directory/settings.ts";
import type { ModuleLoader } from "../modules/loader.ts";
import { openApiDocument } from "../openapi/document.ts";
import { describeFiles, moduleFiles } from "../openapi/modules.ts";
import { defaultRegistry } from "../server/handlers.ts";
import { parseFlags } from "./flags.ts";
import { offlineSettings } from "./offline_settings.ts";

export const openapiHelp = `Usage: modts openapi ROOT [--title TITLE] [--version VERSION]

Prints an OpenAPI 3.1 document of every function the modules under ROOT publish: its path
and methods, each parameter as a query or form field with its type, the JSDoc comment, the
result type where it is plain data, and Basic auth where __auth__ or __access__ guards it.
Directories whose _directory.ts mounts an app or turns modules off are left out. A module
that does not load is left out and named on stderr (exit status 1).
`;

const OPENAPI_OPTIONS: readonly OptionSpec<"title" | "version">[] = [
  { key: "title", flag: "--title", type: "string", arg: "TITLE", help: "info.title" },
  { key: "version", flag: "--version", type: "string", arg: "VERSION", help: "info.version" },
];

/** The module files under `dir` that the server would publish, with `_directory.ts` read. */
async function publishedFiles(
  dir: string,
  urlDir: string,
  parent: Settings,
  modules: ModuleLoader,
  problems: Diagnostic[],
): Promise<string[]> {
  let settings = parent;
  const file = `${dir}/${DIRECTORY_FILE}`;
  if (await Deno.stat(file).then(() => true, () => false)) {
    try {
      settings = merge(parent, (await modules.load(file)).exports, file, urlDir);
    } catch (e) {
      problems.push({ file, message: e instanceof Error ? e.message : String(e) });
      return [];
    }
  }
  if (settings.mount) return []; // the app answers every URL there
  const files = settings.handlers.module ? await moduleFiles(dir) : [];
  const subdirs: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory && !isPrivateName(entry.name)) subdirs.push(entry.name);
  }
  for (const name of subdirs.sort()) {
    files.push(
      ...await publishedFiles(`${dir}/${name}`, `${urlDir}${name}/`, settings, modules, problems),
    );
  }
  return files;
}

export async function openapi(args: string[]): Promise<number> {
  const { positionals, values, help } = parseFlags<{ title?: string; version?: string }>(
    args,
    OPENAPI_OPTIONS,
    1,
  );
  if (help) {
    console.log(openapiHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("openapi needs a ROOT directory");
  let root: string;
  try {
    root = await Deno.realPath(resolve(positionals[0]));
    if (!(await Deno.stat(root)).isDirectory) throw new Error("not a directory");
  } catch (e) {
    console.error(`${positionals[0]}: ${e instanceof Error ? e.message : e}`);
    return 1;
  }
  const modules = defaultRegistry().moduleLoader({ root, autoreload: false });
  const base = offlineSettings();
  const problems: Diagnostic[] = [];
  const files = await publishedFiles(root, "/", base, modules, problems);
  const { described, problems: failed } = await describeFiles(files, root, modules);
  await modules.close();
  const doc = openApiDocument(described, {
    title: values.title ?? basename(root),
    version: values.version ?? "0.0.0",
  });
  console.log(JSON.stringify(doc, null, 2));
  for (const p of [...problems, ...failed]) {
    console.error(`${p.file}${p.line ? `:${p.line}` : ""}: ${p.message} (left out)`);
  }
  return problems.length + failed.length > 0 ? 1 : 0;
}
