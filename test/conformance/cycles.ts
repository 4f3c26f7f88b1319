// Import cycles: evaluation order, hoisted functions across the cycle, the temporal dead zone,
// a helper importing the fixture back, `export *` in a cycle.
import { log } from "./_cycle/log.ts";
import { aValue, hoisted, readAFromA } from "./_cycle/a.ts";
import { bValue, hoistedResult, readA, tdz } from "./_cycle/b.ts";
import { early, readFixture } from "./_cycle/back.ts";
import * as starA from "./_cycle/star_a.ts";
import * as starB from "./_cycle/star_b.ts";

log.push("fixture evaluating");

export const fixtureConst = "fixture const";
export function fixtureFunction(): string {
  return "fixture function";
}

export function index() {
  return {
    log: [...log],
    aValue,
    bValue,
    hoisted: hoisted(),
    hoistedResult,
    tdz,
    readAFromA,
    readALater: readA(),
    early,
    readFixture: readFixture(),
    starA: Object.keys(starA),
    starB: Object.keys(starB),
  };
}
