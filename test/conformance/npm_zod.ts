// An npm package through the site's import map: zod parses, reports issues; the mapped name,
// the full `npm:` specifier, a dynamic import and `export *` from it are one instance.
import { z } from "zod";
import zodDefault from "zod";
import * as zodNamespace from "zod";
// deno-lint-ignore no-import-prefix -- the full specifier beside the mapped name is the point
import { z as direct } from "npm:zod@3.25.76";
import * as reexport from "./_npm/reexport.ts";

const User = z.object({
  name: z.string().min(1),
  age: z.number().int().nonnegative(),
  tags: z.array(z.string()).default([]),
});
type User = z.infer<typeof User>;

export async function index() {
  const ok: User = User.parse({ name: "Ada", age: 36 });
  const bad = User.safeParse({ name: "", age: -1.5, tags: [1] });
  const dynamic = await import("zod");
  const namespaceKeys = Object.keys(zodNamespace);
  return {
    ok,
    badSuccess: bad.success,
    issues: bad.success ? [] : bad.error.issues.map((i) => ({ path: i.path, code: i.code })),
    errorClass: bad.success ? null : bad.error instanceof z.ZodError,
    sameDirect: z === direct,
    sameDynamic: dynamic.z === z,
    defaultIsZ: zodDefault === z,
    namespaceKeyCount: namespaceKeys.length,
    hasDefault: namespaceKeys.includes("default"),
    reexportKeys:
      Object.keys(reexport).join() === namespaceKeys.filter((k) => k !== "default").join(),
    reexportSame: reexport.z === z,
  };
}
