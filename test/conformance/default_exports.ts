// Default exports: the names V8 gives anonymous ones, classes, expressions, `as default`.
import anonFn from "./_def/anon_fn.ts";
import AnonClass from "./_def/anon_class.ts";
import arrow from "./_def/arrow.ts";
import expr from "./_def/expr.ts";
import Named from "./_def/named_class.ts";
import * as asDefault from "./_def/as_default.ts";

export default function fixtureDefault(): string {
  return "fixture default";
}

export function index() {
  return {
    anonFn: [anonFn.name, anonFn()],
    anonClass: [AnonClass.name, new AnonClass().hello()],
    arrow: [arrow.name, arrow()],
    expr,
    named: [Named.name, Named.who()],
    asDefault: [Object.keys(asDefault), asDefault.default],
  };
}
