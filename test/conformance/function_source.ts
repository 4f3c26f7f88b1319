// What functions show of themselves: name, length and source text. A JavaScript function's
// text is its source, as written. (A TypeScript function's text differs: `deno run` prints it
// anew, modts keeps the types' columns as spaces so stack positions hold; an `import(` in it
// reads `ɩmport(`: docs/publisher.md.)
import { add, arrow } from "./_js/fn_source.js";

function typed(a: number, b: string = "x", ...rest: unknown[]): string {
  return `${a}${b}${rest.length}`;
}
const typedArrow = async <T>(value: T): Promise<T> => await value;
class Holder {
  method(x: number): number {
    return x;
  }
}
function importer(): Promise<unknown> {
  return import("./_js/module.mjs");
}

export function index() {
  return {
    typed: [typed.name, typed.length],
    typedArrow: [typedArrow.name, typedArrow.length],
    method: [Holder.prototype.method.name, Holder.prototype.method.length],
    importer: [importer.name, importer.length],
    jsAdd: add.toString(),
    jsArrow: arrow.toString(),
    jsArrowName: arrow.name,
  };
}
