// Stack traces name the fixture's own lines and columns, as in the source (not as
// transpiled): the top frame of `new Error()` in several places, after type-only lines,
// generics, casts, `satisfies` and imports of types that a transpiler removes. (Enums,
// namespaces and parameter properties need Deno's transform, which moves code: for them
// modts maps frames only in what it shows itself; docs/publisher.md.)
import type { Pad } from "./_stack/types.ts";
import { framesIn, topFrame } from "@lib/frames.ts";
import { helperError, helperUrl } from "./_stack/helper.ts";

interface Multi {
  a: string;
  b: number;
}
type Alias<T> = { value: T };
const Space = {
  inside: (): Error => new Error("in an object") satisfies Error,
};

const HERE = import.meta.url;
const atTopLevel: Error = new Error("top level");

class Thrower {
  readonly label: string;
  count: number;
  constructor(label: string, count: number = 1) {
    this.label = label;
    this.count = count;
  }
  method(): Error {
    return new Error(`${this.label} ${this.count}`);
  }
  static make(): Error {
    return new Error("static");
  }
}

function typed<T extends Multi>(value: Alias<T>, pad: Pad = "a" as Pad): Error {
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
    const sites = new Error("sites").stack as unknown as {
      getLineNumber(): number;
      getColumnNumber(): number;
    }[];
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
