import { log } from "./log.ts";

log.push("c");
