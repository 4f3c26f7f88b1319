import { log } from "./log.ts";

log.push("slow start");
await null;
log.push("slow after a microtask");
await new Promise((resolve) => setTimeout(resolve, 0));
log.push("slow after a timer");
export const slow = "slow";
