// TypeScript stripped in place: what TypeScript elides is elided, and every other character
// keeps its line and column (src/modules/exact_strip.ts through transpile.ts).
import assert from "node:assert/strict";
import { transpile } from "../src/modules/transpile.ts";

const OPTIONS = {
  jsx: {
    runtime: "classic" as const,
    importSource: "react",
    factory: "React.createElement",
    fragmentFactory: "React.Fragment",
    development: false,
  },
  legacyDecorators: false,
};

async function js(source: string) {
  return await transpile("/x/m.ts", "file:///x/m.ts", source, OPTIONS);
}

Deno.test("imports and exports of types are elided in place; positions hold", async () => {
  const source = `import { Shape, area } from "./shapes.ts";
import Def, { type Opt, mode } from "./def.ts";
import type { Only } from "./types.ts";
import {
  Multi,
  line,
} from "./multi.ts";
import * as Types from "./types2.ts";
import "./side-effect.ts";
interface Local { a: Shape }
type Alias = Only | Opt | Types.T | Multi;
const x: Local = { a: area(1) as Shape };
export { Local, x, Alias as A, line };
export type { Only };
export const y = [mode, Def, x] satisfies unknown[]; const e = new Error("here");
`;
  const { code, map } = await js(source);
  assert.equal(map, undefined, "exact: no source map needed");
  const lines = code.split("\n");
  assert.equal(lines.length, source.split("\n").length);
  assert.deepEqual(lines.slice(0, 10).map((l) => l.trimEnd()), [
    'import{area}from"./shapes.ts"            ;',
    'import Def, {           mode } from "./def.ts";',
    "",
    'import{line}from"./multi.ts"',
    "",
    "",
    "                   ;",
    "                                    ;", // a namespace used only in types is elided
    'import "./side-effect.ts";',
    "",
  ]);
  assert.equal(lines[12].trimEnd(), "export{x,line}                       ;");
  // The rest is where it was, column for column.
  const at = (text: string, s: string) => [text.split("\n").findIndex((l) => l.includes(s))];
  assert.deepEqual(at(code, 'new Error("here")'), at(source, 'new Error("here")'));
  assert.equal(
    lines[14].indexOf('new Error("here")'),
    source.split("\n")[14].indexOf('new Error("here")'),
  );
});

Deno.test("what only the transform does (an enum) falls back to it, with a source map", async () => {
  const { code, map } = await js(`enum E { A, B }\nexport const b = E.B;\n`);
  assert.ok(map !== undefined);
  assert.match(code, /E\[E\["B"\] = 1\] = "B"/);
});

Deno.test("JavaScript runs as written", async () => {
  const source = "export const f = (a, b) => a   <   b;\n";
  assert.deepEqual(
    await transpile("/x/m.js", "file:///x/m.js", source, OPTIONS),
    { code: source },
  );
});
