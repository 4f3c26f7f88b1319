// The `deno run` side of the conformance suite (test/conformance_test.ts): imports every
// fixture of this folder in name order, awaits its index() and prints one JSON object,
// { [fixture]: result | { error: message } }. Private (`_`), so modts never serves it.
//
//   deno run -A --no-lock --config test/conformance/deno.json test/conformance/_run.ts

/** A fixture: a top-level module of this folder whose name starts with neither `_` nor `.`. */
const FIXTURE = /^[^_.][^/]*\.tsx?$/;

/** The fixtures' file names, sorted: the order both sides run them in. */
export function fixtureFiles(dir: string = import.meta.dirname!): string[] {
  return [...Deno.readDirSync(dir)]
    .filter((entry) => entry.isFile && FIXTURE.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** A fixture's name: its URL path under the document root. */
export function fixtureName(file: string): string {
  return file.replace(/\.tsx?$/, "");
}

if (import.meta.main) {
  const results: Record<string, unknown> = {};
  for (const file of fixtureFiles()) {
    try {
      // A URL in a variable: a template literal would make `deno check` take in every fixture.
      const url = new URL(file, import.meta.url).href;
      const module = await import(url);
      results[fixtureName(file)] = await module.index();
    } catch (e) {
      results[fixtureName(file)] = {
        error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      };
    }
  }
  console.log(JSON.stringify(results));
}
