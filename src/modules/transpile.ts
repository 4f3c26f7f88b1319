// A user's TypeScript or JSX source → JavaScript that V8 can link as a module, with an inline
// source map so stack traces name the user's file, line and column. TypeScript goes through
// Deno's own type stripper (node:module's stripTypeScriptTypes: swc inside Deno, the
// transform `deno run` applies). It knows neither JSX nor decorators; files with those go
// through swc built to WebAssembly, loaded the first time one turns up.
import { stripTypeScriptTypes } from "node:module";
import { loadSwc, type SwcOptions } from "../deps.ts";
import { ModuleError } from "./module_error.ts";
import type { JsxOptions } from "./site_config.ts";

export interface TranspileOptions {
  jsx: JsxOptions;
  legacyDecorators: boolean;
}

// A decorator (`@name` after a separator) or an auto-accessor. A false positive only sends a
// file the slower way, through swc; nothing is lost.
const NEEDS_SWC = /(?:^|[\s;{}(,])@[A-Za-z_$]|\baccessor\s+[#A-Za-z_$[]/m;

let swc: ReturnType<typeof loadSwc> | undefined;

// Deno implements Node 22's "transform" mode (enums, namespaces, parameter properties, import
// elision) with a source map; Node's newer typings only know "strip".
const transform = (url: string) =>
  ({ mode: "transform", sourceMap: true, sourceUrl: url }) as unknown as { mode: "strip" };

/** JavaScript for the module at `path` (a .ts, .tsx, .js, .jsx, .mts or .mjs file). */
export async function transpile(
  path: string,
  url: string,
  source: string,
  options: TranspileOptions,
): Promise<string> {
  const jsx = /\.[jt]sx$/.test(path);
  if (!jsx && !NEEDS_SWC.test(source)) {
    try {
      return stripTypeScriptTypes(source, transform(url));
    } catch (e) {
      throw located(path, source, e, /at \S+?:(\d+):(\d+)\s*$/);
    }
  }
  const { transformSync } = await (swc ??= loadSwc());
  const { jsx: j, legacyDecorators } = options;
  try {
    return transformSync(
      source,
      swcOptions({
        filename: path,
        sourceMaps: "inline",
        isModule: true,
        jsc: {
          target: "esnext",
          parser: { syntax: "typescript", tsx: jsx, decorators: true },
          transform: {
            decoratorVersion: legacyDecorators ? "2021-12" : "2022-03",
            legacyDecorator: legacyDecorators,
            react: {
              runtime: j.runtime,
              importSource: j.importSource,
              pragma: j.factory,
              pragmaFrag: j.fragmentFactory,
              development: j.development,
              throwIfNamespace: false,
            },
          },
        },
        module: { type: "es6" },
      }),
    ).code;
  } catch (e) {
    throw swcError(path, source, String(e));
  }
}

/** @swc/wasm's typings lag its options (`esnext`, `decoratorVersion`). */
function swcOptions(options: Record<string, unknown>): SwcOptions {
  return options;
}

/**
 * swc's error, a plain string: the message, then a snippet (` 2 | code`) with a caret line
 * (`   :     ^`) under the erring line; the `,-[file:LINE:COL]` header names the snippet's
 * start, not the error's.
 */
function swcError(path: string, source: string, text: string): ModuleError {
  const lines = text.split("\n");
  const caret = lines.findIndex((l) => /^\s*:\s*\^/.test(l));
  const code = caret > 0 ? /^\s*(\d+) \| /.exec(lines[caret - 1]) : null;
  if (!code) return located(path, source, text, /,-\[[^\]]*?:(\d+):(\d+)\]/);
  const column = lines[caret].indexOf("^") - code[0].length + 1;
  return located(path, source, text.replace(/,-\[[^\]]*\]/, ""), /$^/, {
    line: Number(code[1]),
    column,
  });
}

/** A transpiler's syntax error as a ModuleError at the line and column it names. */
function located(
  path: string,
  source: string,
  e: unknown,
  where: RegExp,
  at?: { line: number; column: number },
): ModuleError {
  const text = e instanceof Error ? e.message : String(e);
  const m = where.exec(text);
  const message = text.split("\n").find((l) => l.trim() !== "")!.replace(/^\s*x\s+/, "")
    .replace(/^SyntaxError: /, "");
  return new ModuleError(`syntax error: ${message}`, path, {
    line: at?.line ?? (m ? Number(m[1]) : undefined),
    column: at?.column ?? (m ? Number(m[2]) : undefined),
    source,
  });
}
