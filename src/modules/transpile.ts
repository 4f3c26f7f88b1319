// A user's source → JavaScript that V8 can link as a module, at the user's own lines and
// columns wherever that can be had:
// - JavaScript (.js, .mjs) runs as written, as under `deno run`.
// - TypeScript goes through Deno's own type stripper (node:module's stripTypeScriptTypes: swc
//   inside Deno, the transform `deno run` applies). Its position-keeping "strip" mode, with the
//   elisions of its "transform" mode put back in place (exact_strip.ts), keeps every position.
//   Enums, namespaces and parameter properties need the transform itself: positions then move,
//   and a source map says where they came from (module_positions.ts).
// - JSX and decorators, which Deno's stripper does not do, go through swc built to
//   WebAssembly, loaded the first time such a file turns up; with a source map too.
import { stripTypeScriptTypes } from "node:module";
import { loadSwc, type SwcOptions } from "../deps.ts";
import { reconcileElisions } from "./exact_strip.ts";
import { ModuleError } from "./module_error.ts";
import type { JsxOptions } from "./site_config.ts";

export interface TranspileOptions {
  jsx: JsxOptions;
  legacyDecorators: boolean;
}

export interface Transpiled {
  code: string;
  /** A source map (JSON) when the code's positions are not the source's. */
  map?: string;
}

let swc: ReturnType<typeof loadSwc> | undefined;

// Deno implements Node 22's "transform" mode (enums, namespaces, parameter properties, import
// elision) with a source map; Node's newer typings only know "strip".
const transform = (url: string) =>
  ({ mode: "transform", sourceMap: true, sourceUrl: url }) as unknown as { mode: "strip" };
const INLINE_MAP = /\n\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

/** Syntax that only swc compiles: JSX, and what Deno's stripper rejects (decorators). */
export function needsSwc(path: string): boolean {
  return /\.[jt]sx$/.test(path);
}

/** JavaScript for the module at `path`; `viaSwc` forces the swc route. */
export async function transpile(
  path: string,
  url: string,
  source: string,
  options: TranspileOptions,
  viaSwc = needsSwc(path),
): Promise<Transpiled> {
  if (viaSwc) return await compileWithSwc(path, source, options);
  if (/\.m?js$/.test(path)) return { code: source };
  let transformed: string;
  try {
    transformed = stripTypeScriptTypes(source, transform(url));
  } catch (e) {
    throw located(path, source, e, /at \S+?:(\d+):(\d+)\s*$/);
  }
  const map = INLINE_MAP.exec(transformed);
  const code = map ? transformed.slice(0, map.index) : transformed;
  let stripped: string;
  try {
    stripped = stripTypeScriptTypes(source);
  } catch (e) {
    // Enums, namespaces, parameter properties: the transform is needed. Anything else the
    // transform accepted and strip mode does not is decorators: swc's.
    if ((e as { code?: string }).code !== "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX") {
      return await compileWithSwc(path, source, options);
    }
    return { code, map: map ? atob(map[1]) : undefined };
  }
  const exact = await reconcileElisions(stripped, code);
  return exact === null ? { code, map: map ? atob(map[1]) : undefined } : { code: exact };
}

async function compileWithSwc(
  path: string,
  source: string,
  { jsx, legacyDecorators }: TranspileOptions,
): Promise<Transpiled> {
  const { transformSync } = await (swc ??= loadSwc());
  try {
    const out = transformSync(
      source,
      swcOptions({
        filename: path,
        sourceMaps: true,
        isModule: true,
        jsc: {
          target: "esnext",
          parser: { syntax: "typescript", tsx: /x$/.test(path), decorators: true },
          transform: {
            decoratorVersion: legacyDecorators ? "2021-12" : "2022-03",
            legacyDecorator: legacyDecorators,
            react: {
              runtime: jsx.runtime,
              importSource: jsx.importSource,
              pragma: jsx.factory,
              pragmaFrag: jsx.fragmentFactory,
              development: jsx.development,
              throwIfNamespace: false,
            },
          },
        },
        module: { type: "es6" },
      }),
    );
    return { code: out.code, map: out.map };
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
