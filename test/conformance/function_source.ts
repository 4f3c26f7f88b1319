// What functions show of themselves: name and length everywhere; the source text of
// JavaScript functions. (A TypeScript function's text is the transpiler's output, which
// `deno run` prints anew: that is left out here, see the report.)
import { add, arrow } from "./_js/fn_source.js";

function typed(a: number, b: string = "x", ...rest: unknown[]): string {
  return `${a}${b}${rest.length}`;
}
const typedArrow = async <T,>(value: T): Promise<T> => await value;
class Holder {
  method(x: number): number {
    return x;
  }
}

export function index() {
  return {
    typed: [typed.name, typed.length],
    typedArrow: [typedArrow.name, typedArrow.length],
    method: [Holder.prototype.method.name, Holder.prototype.method.length],
    jsAdd: add.toString(),
    jsArrow: arrow.toString(),
    jsArrowName: arrow.name,
  };
}
