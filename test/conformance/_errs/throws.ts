import { log } from "./log.ts";

log.push("throws.ts evaluated");

export class ModuleFailure extends Error {
  override name = "ModuleFailure";
}
throw new ModuleFailure("thrown while the module evaluated");
