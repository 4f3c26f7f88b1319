// deno-lint-ignore-file no-namespace prefer-const -- TypeScript-only forms are the point
// TypeScript-only syntax, transpiled as `deno run` does: enums, namespaces, parameter
// properties, satisfies, assertions, overloads, abstract members, and import elision.
import { area, Color as Colour, type Shape } from "./_ts/mixed.ts";
import type { Options } from "./_ts/interfaces.ts";
// deno-lint-ignore verbatim-module-syntax -- an interface imported as a value must be elided
import { OnlyInterface } from "./_ts/interfaces.ts";
import type * as TypeOnly from "./_ts/type_only.ts";
import { log } from "./_ts/log.ts";

export type { Options };
export interface Exported {
  a: string;
}
export declare const declaredOnly: number;

enum Direction {
  Up = 1,
  Down,
  Right = Down + 5,
  Left = "L".length * 10,
}
enum Flags {
  None = 0,
  A = 1 << 0,
  B = 1 << 1,
  AB = A | B,
}
enum Words {
  Hello = "hello",
  World = `world`,
}
enum Merged {
  First,
}
enum Merged {
  Second = 5,
}
const enum Inline {
  Seven = 7,
}
declare enum Ambient {
  X,
}

namespace Geometry {
  export const tau = 6;
  export function circumference(r: number): number {
    return tau * r;
  }
  export namespace Inner {
    export const depth = 2;
  }
  const hidden = "not exported";
  export const sees = hidden.length;
}
namespace Geometry {
  export const merged = "merged";
}
function Tagged(): string {
  return "called";
}
namespace Tagged {
  export const meta = "meta";
}
import Depth = Geometry.Inner;
declare namespace NotEmitted {
  const x: number;
}
declare const alsoNotEmitted: string;

class Point {
  constructor(public x: number, private readonly y: number, protected z = 0) {}
  sum(): number {
    return this.x + this.y + this.z;
  }
}

abstract class Base {
  abstract name(): string;
  declare declaredField: string;
  definite!: number;
  optional?: string;
  greet(): string {
    return `hi ${this.name()}`;
  }
}
class Impl extends Base implements OnlyInterface {
  id = 1;
  override name(): string {
    return "impl";
  }
}

function overloaded(x: string): string;
function overloaded(x: number): number;
function overloaded(x: string | number): string | number {
  return typeof x === "string" ? x.toUpperCase() : x * 2;
}

function withThis(this: { v: number }, add: number): number {
  return this.v + add;
}

const identity = <T>(x: T): T => x;
const config = { port: 8080, host: "localhost" } satisfies Record<string, string | number>;
const tuple = ["a", 1] as const;
const asserted = (<string> (<unknown> "12")).length;
const nonNull = (null as string | null)!;
let definitelyAssigned!: string;
definitelyAssigned = "assigned";

export function index() {
  const shape: Shape = { kind: "square", size: 3 };
  const opts: Options = { verbose: true };
  const pair: TypeOnly.Pair<number> = [1, 2];
  const point = new Point(1, 2, 3);
  const impl = new Impl();
  return {
    log: [...log],
    direction: [Direction.Up, Direction.Down, Direction.Left, Direction.Right, Direction[2]],
    directionKeys: Object.keys(Direction),
    flags: Flags,
    words: Words,
    merged: Merged,
    inline: Inline.Seven,
    colour: [Colour.Red, Object.keys(Colour)],
    area: area(shape),
    geometry: [Geometry.circumference(2), Geometry.Inner.depth, Geometry.sees, Geometry.merged],
    geometryKeys: Object.keys(Geometry),
    tagged: [Tagged(), Tagged.meta],
    depth: Depth.depth,
    point: { keys: Object.keys(point), sum: point.sum() },
    impl: {
      keys: Object.keys(impl),
      greet: impl.greet(),
      hasDeclared: "declaredField" in impl,
      baseMethods: Object.getOwnPropertyNames(Base.prototype),
    },
    overloaded: [overloaded("a"), overloaded(2)],
    withThis: withThis.call({ v: 1 }, 2),
    identity: identity<string>("same"),
    config,
    tuple,
    asserted,
    nonNull,
    definitelyAssigned,
    opts,
    pair,
  };
}
