// `export * as ns`: a module namespace object, as V8 makes it.
import { "string name" as quoted, inner } from "./_nsx/outer.ts";
import * as direct from "./_nsx/inner.ts";
import * as outer from "./_nsx/outer.ts";

export function index() {
  const before = inner.counter;
  inner.bump();
  return {
    keys: Object.keys(inner),
    ownKeys: Reflect.ownKeys(inner).map(String),
    outerKeys: Object.keys(outer),
    typeofNamespace: typeof inner,
    toStringTag: Object.prototype.toString.call(inner),
    sameAsDirect: inner === direct,
    sameAsQuoted: quoted === direct,
    prototypeIsNull: Object.getPrototypeOf(inner) === null,
    sealed: Object.isSealed(inner),
    frozen: Object.isFrozen(inner),
    extensible: Object.isExtensible(inner),
    descriptorX: Object.getOwnPropertyDescriptor(inner, "x"),
    defaultName: inner.default.name,
    fCall: inner.f(),
    liveDelta: inner.counter - before,
    setAllowed: Reflect.set(inner, "x", 2),
    deleteAllowed: Reflect.deleteProperty(inner, "x"),
    defineAllowed: Reflect.defineProperty(inner, "y", { value: 1 }),
    xAfter: inner.x,
  };
}
