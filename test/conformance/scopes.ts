// deno.json `scopes`: one bare name mapped differently for the files under ./_scoped/.
import { greeting } from "@greeting";
import { scopedDynamic, scopedGreeting, scopedResolve } from "./_scoped/probe.ts";
import { deeperGreeting } from "./_scoped/deeper/probe.ts";
import * as scopedTarget from "./_scoped/greeting.ts";

export async function index() {
  return {
    top: greeting,
    topResolve: import.meta.resolve("@greeting"),
    topDynamic: (await import("@greeting")).greeting,
    scoped: scopedGreeting,
    scopedResolve,
    scopedDynamic: await scopedDynamic(),
    deeper: deeperGreeting,
    scopedIsThatFile: scopedTarget.greeting === scopedGreeting,
  };
}
