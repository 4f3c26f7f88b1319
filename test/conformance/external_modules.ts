// Modules from Deno's own loader (node:, npm:, data: URLs) imported by a local module, statically
// and dynamically: the same values and the module's own state; a dynamic import's bindings are
// live. (Under modts a static import is a snapshot of the module's exports, a namespace of its
// own: docs/publisher.md.)
import * as pathStatic from "node:path";
import * as zodStatic from "zod";
import * as dataStatic from "data:text/javascript,export let n = 0; export function inc() { n++; }";
import { inc } from "data:text/javascript,export let n = 0; export function inc() { n++; }";

export async function index() {
  const pathDynamic = await import("node:path");
  const zodDynamic = await import("zod");
  const dataDynamic = await import(
    "data:text/javascript,export let n = 0; export function inc() { n++; }"
  );
  return {
    pathKeys: Object.keys(pathStatic).join() === Object.keys(pathDynamic).join(),
    pathJoin: pathStatic.join === pathDynamic.join,
    zodObject: zodStatic.z === zodDynamic.z,
    liveInDynamic: (() => {
      const before = dataDynamic.n;
      inc();
      return dataDynamic.n - before;
    })(),
    sameFunction: inc === dataStatic.inc && inc === dataDynamic.inc,
  };
}
