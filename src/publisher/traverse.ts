import { HttpError } from "../http/status.ts";

// The publisher's refusal rules (SPEC §3; mod_python's CVE-2002-0185 and CVE-2005-0088 are
// why every step is checked, not just the last).

/** Any function a module exports; what it takes is read from its source. */
export type AnyFunction = (...args: unknown[]) => unknown;

/** Members declared `private` or `protected` in TypeScript, by the name of their class. */
export type HiddenMembers = Map<string, Set<string>>;

const FORBIDDEN = 403;
const NOT_FOUND = 404;

/** A module namespace object (`export * as ns`, or a loaded module's exports). */
export function isModuleNamespace(value: unknown): boolean {
  return Object.prototype.toString.call(value) === "[object Module]";
}

function isClass(fn: unknown): boolean {
  return /^class\b/.test(Function.prototype.toString.call(fn));
}

/** Built-in and bound functions: their source is `[native code]`. */
function isNative(fn: unknown): boolean {
  return /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(fn));
}

/** The own keys every function has; a step into them reaches a function's internals. */
const FUNCTION_OWN = new Set(["length", "name", "prototype", "arguments", "caller"]);

/** Objects of a built-in kind (arrays, maps, dates, promises…) are published, not entered. */
function isPlainOrInstance(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return true;
  const ctor = proto.constructor;
  return typeof ctor === "function" && !isNative(ctor);
}

/** Verdicts per function: reading a function's source on every request would be slow. */
const refusedFunctions = new WeakMap<object, boolean>();

/** Whether `value` may be the end of a URL: never a class, a namespace or a native function. */
export function checkPublishable(value: unknown): void {
  if (isModuleNamespace(value)) throw new HttpError(FORBIDDEN);
  if (typeof value === "function") {
    let refused = refusedFunctions.get(value);
    if (refused === undefined) {
      refusedFunctions.set(value, refused = isClass(value) || isNative(value));
    }
    if (refused) throw new HttpError(FORBIDDEN);
  }
}

/** Whether a class in `from`'s prototype chain declares `name` private or protected. */
function isHidden(from: object, name: string, hidden: HiddenMembers): boolean {
  for (let o: object | null = from; o !== null; o = Object.getPrototypeOf(o)) {
    const ctor = Object.hasOwn(o, "constructor")
      ? (o as { constructor: unknown }).constructor
      : null;
    if (typeof ctor === "function" && hidden.get(ctor.name)?.has(name)) return true;
  }
  return false;
}

/**
 * `from[name]`, when the rules let a URL take that step: exports of the module, properties a
 * module attached to a function, own properties and class methods of objects — never a name
 * from Object.prototype or Function.prototype, never a class, namespace or native function,
 * never a member TypeScript declares private or protected (`hidden`).
 */
export function step(
  from: unknown,
  name: string,
  isModule: boolean,
  hidden: HiddenMembers = NO_HIDDEN,
): unknown {
  if (name.startsWith("_")) throw new HttpError(FORBIDDEN);
  if (isModule) {
    if (!Object.prototype.hasOwnProperty.call(from, name)) throw new HttpError(NOT_FOUND);
    const value = (from as Record<string, unknown>)[name];
    if (value === undefined) throw new HttpError(NOT_FOUND);
    return value;
  }
  checkPublishable(from);
  if (typeof from === "function") {
    if (FUNCTION_OWN.has(name) || !Object.hasOwn(from, name)) throw new HttpError(FORBIDDEN);
    return (from as unknown as Record<string, unknown>)[name];
  }
  if (typeof from !== "object" || from === null || !isPlainOrInstance(from)) {
    throw new HttpError(NOT_FOUND);
  }
  if (name === "constructor" || isHidden(from, name, hidden)) throw new HttpError(FORBIDDEN);
  // Own properties, then the class chain up to (never including) Object.prototype.
  for (
    let o: object | null = from;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o)
  ) {
    if (Object.hasOwn(o, name)) return (from as Record<string, unknown>)[name];
  }
  if (name in Object.prototype) throw new HttpError(FORBIDDEN);
  throw new HttpError(NOT_FOUND);
}

/**
 * The names `step` may be asked to take from `value` (it still decides): a module's exports,
 * the properties a module attached to a function, an object's own properties and class
 * methods. For documents that list what a module publishes.
 */
export function memberNames(value: unknown, isModule: boolean): string[] {
  if (isModule) return Object.keys(value as object);
  if (typeof value === "function") {
    return Object.getOwnPropertyNames(value).filter((n) => !FUNCTION_OWN.has(n));
  }
  if (typeof value !== "object" || value === null || !isPlainOrInstance(value)) return [];
  const names = new Set<string>();
  for (let o: object | null = value; o !== null && o !== Object.prototype;) {
    for (const name of Object.getOwnPropertyNames(o)) if (name !== "constructor") names.add(name);
    o = Object.getPrototypeOf(o);
  }
  return [...names];
}

export interface Traversal {
  /** What the URL names. */
  target: unknown;
  /** The object it was taken from (`this` for a method call). */
  owner: unknown;
  /** The objects passed on the way, module first: where auth settings are looked up. */
  chain: unknown[];
  /** `say`, `root.page1.sub`: the key of the signature map. */
  path: string;
}

const NO_HIDDEN: HiddenMembers = new Map();

/** Walks the path info through the module's exports. No object path → `index`, else `default`. */
export function traverse(
  namespace: object,
  pathInfo: string,
  hidden: HiddenMembers = NO_HIDDEN,
): Traversal {
  const names = pathInfo.split("/").filter((s) => s !== "");
  if (names.length === 0) {
    names.push(
      Object.hasOwn(namespace, "index") || !Object.hasOwn(namespace, "default")
        ? "index"
        : "default",
    );
  }
  let owner: unknown = namespace;
  let target: unknown = namespace;
  const chain: unknown[] = [namespace];
  for (let i = 0; i < names.length; i++) {
    owner = target;
    target = step(target, names[i], i === 0, hidden);
    if (i < names.length - 1) chain.push(target);
  }
  checkPublishable(target);
  if (typeof target === "function") chain.push(target);
  return { target, owner, chain, path: names.join(".") };
}
