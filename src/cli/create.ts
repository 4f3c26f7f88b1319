import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import denoJson from "../../deno.json" with { type: "json" };
import { UsageError } from "../config/options.ts";
import { HOST_IMPORTS } from "../modules/host_modules.ts";
import { parseFlags } from "./flags.ts";
import { SCAFFOLD } from "./scaffold.ts";

export const createHelp = `Usage: modts create DIR

Scaffolds a new site in DIR: DIR/public/ with a start page, a publisher module
(hello.ts), server pages (page.psp; visits.psp with a session) and a stylesheet,
DIR/modts.config.json, and DIR/deno.json, which maps "modts" to this modts's mod.ts (for
editors and deno check) and has the tasks start and check. Refuses to overwrite anything.
Then: cd DIR && deno task start
`;

/**
 * DIR/deno.json: `modts` for types and editors, and tasks that run this modts with the
 * permissions and flags of its own `start` task. A compiled modts has no mod.ts on disk to
 * map, so its site config only runs the binary.
 */
function siteConfig(): string {
  if (Deno.build.standalone) {
    return JSON.stringify({ tasks: { start: `${Deno.execPath()} serve public` } }, null, 2);
  }
  const main = fileURLToPath(new URL("../../main.ts", import.meta.url));
  const start = denoJson.tasks.start.replace(/\bmain\.ts serve$/, `${main} serve public`);
  const check = `deno run --no-lock -A ${main} check public`;
  return JSON.stringify({ imports: { ...HOST_IMPORTS }, tasks: { start, check } }, null, 2);
}

export async function create(args: string[]): Promise<number> {
  const { positionals, help } = parseFlags(args, [], 1);
  if (help) {
    console.log(createHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("create needs a DIR");
  const dir = resolve(positionals[0]);
  const files: Record<string, string> = { ...SCAFFOLD, "deno.json": `${siteConfig()}\n` };
  for (const rel of Object.keys(files)) {
    const path = join(dir, rel);
    const exists = await Deno.lstat(path).then(() => true, () => false);
    if (exists) {
      console.error(`modts create: ${path} already exists; nothing was written`);
      return 1;
    }
  }
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    await Deno.mkdir(resolve(path, ".."), { recursive: true });
    await Deno.writeTextFile(path, text, { createNew: true });
    console.log(`created ${path}`);
  }
  console.log(`
Next: cd ${positionals[0]} && deno task start
(with only Node and npm: npx -y deno@${Deno.version.deno} task start)`);
  return 0;
}
