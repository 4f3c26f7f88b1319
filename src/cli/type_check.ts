// Type errors in a site's TypeScript, from one `deno check` run with the site's own config —
// its import map, scopes, package.json dependencies (as the server resolves them) and
// compiler options — plus `modts` mapped to this modts's mod.ts when the site does not map it.
// The runtime strips types without checking them, so this is the only place they show.
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../dispatch/registry.ts";
import { HOST_IMPORTS } from "../modules/host_modules.ts";
import type { SiteConfig } from "../modules/site_config.ts";

/** Why types cannot be checked from this process, or null when they can. */
export function typeCheckUnavailable(): string | null {
  const deno = Deno.execPath();
  if (!/^deno(\.exe)?$/.test(basename(deno))) {
    return "this modts is a compiled binary, which has no type checker: run `deno check` " +
      "yourself, or `modts check --no-types` to skip types";
  }
  if (Deno.permissions.querySync({ name: "run", command: deno }).state !== "granted") {
    return "checking types runs `deno check`, which needs --allow-run (e.g. `deno run -A " +
      "main.ts check ROOT`), or skip types with --no-types";
  }
  return null;
}

/** The config `deno check` runs with: the site's, made absolute, with its packages. */
function checkConfig(site: SiteConfig): Record<string, unknown> {
  const imports: Record<string, string> = { ...HOST_IMPORTS };
  for (const [name, version] of site.packages?.ranges ?? []) {
    imports[name] = `npm:${name}@${version}`;
    imports[`${name}/`] = `npm:/${name}@${version}/`;
  }
  for (const [key, target] of site.importMap.imports) imports[key] = target;
  const scopes: Record<string, Record<string, string>> = {};
  for (const [prefix, map] of site.importMap.scopes) scopes[prefix] = Object.fromEntries(map);
  const { compilerOptions, unstable } = site.json;
  return { imports, scopes, compilerOptions, unstable, lock: false };
}

/** Type errors in `files` (absolute paths), each with its file and line. */
export async function typeCheck(files: string[], site: SiteConfig): Promise<Diagnostic[]> {
  if (files.length === 0) return [];
  const dir = await Deno.makeTempDir({ prefix: "modts-check-" });
  try {
    const config = join(dir, "deno.json");
    await Deno.writeTextFile(config, JSON.stringify(checkConfig(site)));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--no-lock", "--config", config, ...files],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.success) return [];
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    const found: Diagnostic[] = [];
    // Each error: `TS2322 [ERROR]: message` … `at file:///path.ts:LINE:COL`.
    for (
      const m of text.matchAll(
        /(TS\d+) \[ERROR\]: ([^\n]*)[\s\S]*?at (file:\/\/\S+?):(\d+):\d+/g,
      )
    ) {
      found.push({ file: fileURLToPath(m[3]), line: Number(m[4]), message: `${m[1]}: ${m[2]}` });
    }
    if (found.length === 0) found.push({ file: files[0], message: `deno check failed:\n${text}` });
    return found;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
