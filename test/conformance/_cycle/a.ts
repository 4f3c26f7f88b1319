import { log } from "./log.ts";
import { bValue, readA } from "./b.ts";

log.push(`a evaluating, b is ${bValue}`);

export function hoisted(): string {
  return "a.hoisted";
}
export const aValue = "a";
export const readAFromA = readA();
