// Under ./_scoped/, "@greeting" is mapped by the scope, not by the top-level imports.
import { greeting } from "@greeting";

export const scopedGreeting = greeting;
export const scopedResolve = import.meta.resolve("@greeting");
export async function scopedDynamic(): Promise<string> {
  return (await import("@greeting")).greeting;
}
