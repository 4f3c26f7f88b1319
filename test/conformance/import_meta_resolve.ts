// import.meta.resolve of bare names the site's deno.json maps: a file prefix, a scoped name,
// npm packages and their subpaths (`hono/…` has an explicit prefix entry, `zod/…` only the
// one Deno implies). For an npm name Deno answers `npm:…` or, once the package is in the
// module graph, the file in its npm cache: what must match is that the answer imports the
// very module the bare name imports. (The namespace of a static import is external_modules.ts's
// business.)
import { describe } from "@lib/frames.ts";

function resolve(specifier: string): string | { threw: string } {
  try {
    return import.meta.resolve(specifier);
  } catch (e) {
    return { threw: describe(e).split(":")[0] };
  }
}

/** Whether the resolved URL of `specifier` imports what `specifier` itself imports. */
async function roundTrip(specifier: string): Promise<boolean> {
  const url = import.meta.resolve(specifier);
  return (await import(url)) === await import(specifier);
}

export async function index() {
  return {
    lib: resolve("@lib/frames.ts"),
    libDeeper: resolve("@lib/x/y.ts"),
    greeting: resolve("@greeting"),
    unmapped: resolve("not-in-the-import-map"),
    unmappedScoped: resolve("@scope/unmapped"),
    hono: await roundTrip("hono"),
    honoJsx: await roundTrip("hono/jsx"),
    honoJsxRuntime: await roundTrip("hono/jsx/jsx-runtime"),
    zod: await roundTrip("zod"),
    zodSubpath: await roundTrip("zod/v4"),
  };
}
