// What a module publishes, function by function, for documents (the OpenAPI one): found by
// walking its exports with the very `traverse` that serves requests, so a document lists
// exactly the functions a URL can call.
import type { LoadedModule } from "../modules/loader.ts";
import { isGuarded, realmOf } from "./auth.ts";
import { allowedMethods } from "./methods.ts";
import { type Param, readRuntimeSignature, type Signature } from "./signatures.ts";
import { readSource } from "./source.ts";
import { type AnyFunction, memberNames, type Traversal, traverse } from "./traverse.ts";

export interface PublishedFunction extends Omit<Signature, "params"> {
  /** The names a URL takes after the module: `["add"]`, `["math", "square"]`. */
  path: string[];
  params: Param[];
  methods: string[];
  /** The Basic realm when `__auth__` or `__access__` guards it, else null. */
  realm: string | null;
}

/** Exports nested deeper than this are not listed (nor, in practice, written). */
const MAX_DEPTH = 8;

/** Every function a URL can call in `module`, in export order. */
export async function describeModule(module: LoadedModule): Promise<PublishedFunction[]> {
  const source = await readSource(module);
  const out: PublishedFunction[] = [];
  const seen = new Set<unknown>();
  const visit = async (value: unknown, path: string[]): Promise<void> => {
    for (const name of memberNames(value, path.length === 0)) {
      if (name === "" || name.includes("/")) continue; // no URL segment spells these
      const next = [...path, name];
      let route: Traversal;
      try {
        route = traverse(module.exports, next.join("/"), source.hidden);
      } catch {
        continue; // refused, as a request would be
      }
      const { target } = route;
      if (typeof target === "function") {
        const signature = source.signatures.get(route.path);
        out.push({
          ...signature,
          path: next,
          params: signature?.params ?? await readRuntimeSignature(target as AnyFunction),
          methods: allowedMethods(target),
          realm: isGuarded(route.chain) ? realmOf(route.chain) : null,
        });
      }
      const enterable = typeof target === "function" ||
        (typeof target === "object" && target !== null);
      if (enterable && !seen.has(target) && next.length < MAX_DEPTH) {
        seen.add(target);
        await visit(target, next);
      }
    }
  };
  await visit(module.exports, []);
  return out;
}
