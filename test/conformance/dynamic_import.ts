// Dynamic import(): relative, through the import map, of a computed specifier, from a nested
// helper, concurrent, of builtins, npm and data: URLs — always the instance a static import has.
import * as staticNs from "./_dyn/shared.ts";
import { state } from "./_dyn/shared.ts";
import { target as staticTarget } from "./_lib/dyn_target.ts";
import { sharedFromHere } from "./_dyn/nested/inner.ts";
import { join } from "node:path";
import * as self from "./dynamic_import.ts";

export async function index() {
  const relative = await import("./_dyn/shared.ts");
  const before = state.hits;
  relative.state.hits++;
  const mapped = await import("@lib/dyn_target.ts");
  const name = ["comp", "uted"].join("");
  const computed = await import(`./_dyn/${name}.ts`);
  const specifier = "./_dyn/" + name + ".ts";
  const viaVariable = await import(specifier);
  const [one, two] = await Promise.all([import("./_dyn/fresh.ts"), import("./_dyn/fresh.ts")]);
  const nested = await sharedFromHere();
  const promise = import("./_dyn/shared.ts");
  const builtin = await import("node:path");
  const data = await import("data:text/javascript,export default 6 * 7;");
  return {
    sameNamespace: relative === staticNs,
    sameState: relative.state === state,
    stateShared: state.hits - before,
    symbolShared: relative.identity === staticNs.identity,
    mapped: mapped.target === staticTarget,
    computed: computed.computed,
    viaVariable: viaVariable === computed,
    concurrentSame: one === two,
    fresh: one.fresh.name,
    nestedSame: nested === staticNs,
    isPromise: promise instanceof Promise,
    promiseSame: (await promise) === staticNs,
    builtin: builtin.join === join,
    data: data.default,
    self: (await import("./dynamic_import.ts")) === self,
  };
}
