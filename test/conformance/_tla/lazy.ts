import { log } from "./log.ts";

log.push("lazy");
export const lazy = await Promise.resolve("lazy value");
