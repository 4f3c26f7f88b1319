// Live bindings: an importer sees a helper's `export let` change, by name and through the
// namespace; an import binding cannot be assigned.
import { count, fn, increment, label, late, relabel, viaVar } from "./_live/counter.ts";
import * as counter from "./_live/counter.ts";
import { viaFrom, viaImport } from "./_live/relay.ts";

const atLoad = { count, label, late: late ?? null, viaVar, fn: fn() };

export function index() {
  const before = count;
  const returned = increment();
  relabel("changed");
  let assignError = "no error";
  try {
    // @ts-expect-error -- assigning an import binding is the point
    // deno-lint-ignore no-import-assign -- ditto
    count = 100;
  } catch (e) {
    assignError = `${(e as Error).name}: ${(e as Error).message}`;
  }
  return {
    atLoad,
    delta: count - before,
    returnedIsCurrent: returned === count,
    namespaceIsCurrent: counter.count === count,
    relayedAreCurrent: viaImport === count && viaFrom === count,
    after: { label, late, viaVar, fn: fn() },
    assignError,
  };
}
