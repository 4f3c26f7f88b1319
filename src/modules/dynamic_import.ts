// Dynamic `import()` in user code. Deno keeps every node:vm module that was given an
// `importModuleDynamically` callback alive forever, so modules get none: each `import(` is
// rewritten to `ɩmport(` (a Latin iota: the same length, so columns hold, and a name no one
// writes), a function declared at the end of the module that asks the loader through
// `import.meta[IMPORT_HOOK]`.
import { loadModuleLexer } from "../deps.ts";
import { ModuleError } from "./module_error.ts";

/** Where the loader puts a module's dynamic import on its `import.meta`. */
export const IMPORT_HOOK = Symbol.for("modts.import");

/** The 6-letter stand-in for `import` in `import(…)`. */
const STAND_IN = "\u0269mport";
const STAND_IN_FN =
  `function ${STAND_IN}(s, o) { return import.meta[Symbol.for("modts.import")](s, o); }`;
const MAYBE_DYNAMIC = /\bimport\s*\(/;

/** `code` (JavaScript) with each `import(` turned into `ɩmport(`. */
export async function withDynamicImports(code: string, path: string): Promise<string> {
  if (!MAYBE_DYNAMIC.test(code)) return code;
  const { init, parse } = await loadModuleLexer();
  await init;
  let imports;
  try {
    [imports] = parse(code);
  } catch (e) {
    throw new ModuleError(`syntax error: ${(e as Error).message}`, path, { cause: e });
  }
  let out = "";
  let last = 0;
  for (const i of imports) {
    if (i.type !== "dynamic" || i.phase !== null || !code.startsWith("import", i.importStart)) {
      continue;
    }
    out += code.slice(last, i.importStart) + STAND_IN;
    last = i.importStart + STAND_IN.length;
  }
  if (last === 0) return code;
  out += code.slice(last);
  // Before the source map comment, which must stay last; on a line of its own.
  const map = out.lastIndexOf("\n//# sourceMappingURL=");
  return map === -1
    ? `${out}\n${STAND_IN_FN}\n`
    : `${out.slice(0, map)}\n${STAND_IN_FN}${out.slice(map)}`;
}
