// Types only, and a side effect that shows whether the module was loaded at all.
import { log } from "./log.ts";

log.push("interfaces.ts evaluated");

export interface OnlyInterface {
  id: number;
}
export type Options = { verbose: boolean };
