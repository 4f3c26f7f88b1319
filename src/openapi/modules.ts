// The modules an OpenAPI document covers, described: found the way the resolver finds them
// (no `_` or `.` names), loaded through the site's module loader like any request would.
import type { Diagnostic } from "../dispatch/registry.ts";
import { fileKind, isPrivateName } from "../dispatch/names.ts";
import type { ModuleLoader } from "../modules/loader.ts";
import { ModuleError } from "../modules/module_error.ts";
import { describeModule } from "../publisher/describe.ts";
import type { DescribedModule } from "./document.ts";

/** The publisher modules directly in `dir`, by name. */
export async function moduleFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && !isPrivateName(entry.name) && fileKind(entry.name) === "module") {
      files.push(`${dir}/${entry.name}`);
    }
  }
  return files.sort();
}

/**
 * Each of `files` (under `root`) with the functions it publishes at its URL (`/calc` for
 * `calc.ts`). A module that does not load is left out, with its problem.
 */
export async function describeFiles(
  files: string[],
  root: string,
  modules: ModuleLoader,
  reload = false,
): Promise<{ described: DescribedModule[]; problems: Diagnostic[] }> {
  const described: DescribedModule[] = [];
  const problems: Diagnostic[] = [];
  for (const file of files) {
    try {
      const functions = await describeModule(await modules.load(file, reload));
      described.push({ url: file.slice(root.length).replace(/\.tsx?$/i, ""), functions });
    } catch (e) {
      problems.push(
        e instanceof ModuleError
          ? { file: e.file, line: e.line, message: e.reason }
          : { file, message: e instanceof Error ? e.message : String(e) },
      );
    }
  }
  return { described, problems };
}
