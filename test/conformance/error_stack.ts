// Stack traces name the fixture's own lines and columns, as in the source (not as
// transpiled): the top frame of `new Error()` in several places, after type-only lines,
// enums, namespaces and parameter properties that a transpiler rewrites.
import { framesIn, topFrame } from "@lib/frames.ts";
import { helperError, helperUrl } from "./_stack/helper.ts";

interface Multi {
  a: string;
  b: number;
}
type Alias<T> = { value: T };
enum Pad {
  A = "a",
  B = "b",
}
namespace Space {
  export const inside = (): Error => new Error("in a namespace");
}

const HERE = import.meta.url;
const atTopLevel: Error = new Error("top level");

class Thrower {
  constructor(private readonly label: string, public count: number = 1) {}
  method(): Error {
    return new Error(`${this.label} ${this.count}`);
  }
  static make(): Error {
    return new Error("static");
  }
}

function typed<T extends Multi>(value: Alias<T>, pad: Pad = Pad.A): Error {
  const e: Error = new Error(`${value.value.a}${pad}`);
  return e;
}

async function afterAwait(): Promise<Error> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  return new Error("after await");
}

function nativeTypeError(): Error {
  try {
    const v = null as unknown as { x: { y: number } };
    return new Error(String(v.x.y));
  } catch (e) {
    return e as Error;
  }
}

export async function index() {
  const arrow = (): Error => new Error("arrow");
  const callSites = (() => {
    const original = Error.prepareStackTrace;
    Error.prepareStackTrace = (_e, sites) => sites;
    const sites = new Error("sites").stack as unknown as { getLineNumber(): number; getColumnNumber(): number }[];
    Error.prepareStackTrace = original;
    return `${sites[0].getLineNumber()}:${sites[0].getColumnNumber()}`;
  })();
  return {
    topLevel: topFrame(atTopLevel, HERE),
    typed: framesIn(typed({ value: { a: "x", b: 1 } }), HERE),
    method: topFrame(new Thrower("label").method(), HERE),
    static: topFrame(Thrower.make(), HERE),
    arrow: topFrame(arrow(), HERE),
    namespace: topFrame(Space.inside(), HERE),
    afterAwait: topFrame(await afterAwait(), HERE),
    native: { message: nativeTypeError().message, frame: topFrame(nativeTypeError(), HERE) },
    helper: topFrame(helperError(), helperUrl),
    firstLine: String(new Error("first line").stack).split("\n")[0],
    callSites,
  };
}
