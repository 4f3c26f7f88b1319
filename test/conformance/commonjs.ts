// A local CommonJS file: default and named imports, require() of the same file, one instance.
import legacy from "./_cjs/legacy.cjs";
import { counter, named } from "./_cjs/legacy.cjs";
import { createRequire } from "node:module";

export async function index() {
  const require = createRequire(import.meta.url);
  const required = require("./_cjs/legacy.cjs");
  const dynamic = await import("./_cjs/legacy.cjs");
  return {
    named,
    joined: legacy.joined,
    filename: legacy.filename,
    defaultKeys: Object.keys(legacy),
    sameCounter: counter === legacy.counter,
    requiredSame: required === legacy,
    dynamicSame: dynamic.default === legacy,
  };
}
