import { log } from "./log.ts";

log.push("sync");
export const sync = "sync";
