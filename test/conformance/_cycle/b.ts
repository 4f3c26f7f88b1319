import { log } from "./log.ts";
import { aValue, hoisted } from "./a.ts";

log.push("b evaluating");

export const bValue = "b";
// a.ts has not run yet: its function declarations exist, its consts do not.
export const hoistedResult = hoisted();
export const tdz = (() => {
  try {
    return aValue;
  } catch (e) {
    // deno-lint-ignore no-unreachable -- reachable: reading the binding throws (TDZ)
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
})();
export function readA(): string {
  return aValue;
}
