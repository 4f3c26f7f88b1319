import { log } from "./log.ts";

log.push("rejects.ts evaluated");
await Promise.resolve();
throw new RangeError("rejected at the top level");
