// What being an ES module means at run time: strict mode, no CommonJS bindings, top-level
// declarations that stay out of globalThis, the evaluation order of imports, one realm.
import { log } from "./_order/log.ts";
import "./_order/a.ts";
import "./_order/b.ts";
import * as self from "./module_semantics.ts";
import { z } from "zod";
import { hashbang } from "./_order/hashbang.ts";

log.push("fixture");

// deno-lint-ignore no-var -- a top-level `var` must stay out of globalThis
var topVar = "var";
function topFunction(): string {
  return "function";
}
const topLevelThis = typeof this;

export const exportedConst = 1;

export function index() {
  return {
    order: [...log],
    topLevelThis,
    strictThis: (function (this: unknown) {
      return typeof this;
    })(),
    topVarGlobal: "topVar" in globalThis,
    topFunctionGlobal: "topFunction" in globalThis,
    topVar,
    topFunction: topFunction(),
    commonJs: {
      // @ts-ignore -- no such binding in a module (Deno's types may declare one)
      require: typeof require,
      // @ts-ignore -- ditto
      module: typeof module,
      // @ts-ignore -- ditto
      exports: typeof exports,
      // @ts-ignore -- ditto
      __filename: typeof __filename,
      // @ts-ignore -- ditto
      __dirname: typeof __dirname,
    },
    hashbang,
    selfKeys: Object.keys(self),
    selfTag: Object.prototype.toString.call(self),
    realm: {
      array: [] instanceof Array,
      npmObject: z.object({}) instanceof Object,
      npmArray: Array.isArray(z.array(z.number()).parse([1])) &&
        z.array(z.number()).parse([1]) instanceof Array,
      deno: typeof Deno,
      globalThis: typeof globalThis,
    },
  };
}
