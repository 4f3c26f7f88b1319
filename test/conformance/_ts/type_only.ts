import { log } from "./log.ts";

log.push("type_only.ts evaluated");

export type Pair<T> = [T, T];
