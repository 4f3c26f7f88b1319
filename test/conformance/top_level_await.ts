// Top-level await: the order in which async and sync modules of one graph run, awaiting
// timers and dynamic imports at the top level.
import { log } from "./_tla/log.ts";
import { slow } from "./_tla/slow.ts";
import { sync } from "./_tla/sync.ts";
import "./_tla/after.ts";

log.push("fixture start");
const value = await Promise.resolve(42);
const fromTimer = await new Promise<string>((resolve) => setTimeout(() => resolve("timer"), 0));
const { lazy } = await import("./_tla/lazy.ts");
log.push("fixture end");

export async function index() {
  const again = await import("./_tla/lazy.ts");
  return {
    log: [...log],
    slow,
    sync,
    value,
    fromTimer,
    lazy,
    lazyAgain: again.lazy,
  };
}
