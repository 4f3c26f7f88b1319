// Imports the fixture that imports it: evaluated before the fixture's body.
import { log } from "./log.ts";
import { fixtureConst, fixtureFunction } from "../cycles.ts";

log.push(`back evaluating, fixture function says ${fixtureFunction()}`);

export function readFixture(): string {
  return fixtureConst;
}
export const early = (() => {
  try {
    return fixtureConst;
  } catch (e) {
    // deno-lint-ignore no-unreachable -- reachable: reading the binding throws (TDZ)
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
})();
