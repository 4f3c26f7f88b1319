// .js, .mjs and .mts helpers: JavaScript is parsed as JavaScript (not as TypeScript, where the
// same text can mean something else), and its functions keep their source text.
import { comparisons, conditionalArrow, dynamic, meta, source } from "./_js/plain.js";
import { fromMjs } from "./_js/module.mjs";
import { fromMts } from "./_js/typed.mts";
import { outcome } from "@lib/frames.ts";

export async function index() {
  return {
    comparisons: outcome(() => comparisons()),
    conditionalArrow: outcome(() => [conditionalArrow(true), conditionalArrow(false)]),
    source: source.toString(),
    sourceLength: source.length,
    meta,
    dynamic: await dynamic(),
    fromMjs,
    fromMts,
  };
}
