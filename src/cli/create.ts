import { join, resolve } from "node:path";
import { UsageError } from "../config/options.ts";
import { parseFlags } from "./flags.ts";
import { SCAFFOLD } from "./scaffold.ts";

export const createHelp = `Usage: modts create DIR

Scaffolds a new site in DIR: DIR/public/ with a start page, a publisher module
(hello.ts), server pages (page.psp; visits.psp with a session) and a stylesheet, and DIR/modts.config.json. Refuses to overwrite anything.
Then: modts serve DIR/public
`;

export async function create(args: string[]): Promise<number> {
  const { positionals, help } = parseFlags(args, [], 1);
  if (help) {
    console.log(createHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("create needs a DIR");
  const dir = resolve(positionals[0]);
  for (const rel of Object.keys(SCAFFOLD)) {
    const path = join(dir, rel);
    const exists = await Deno.lstat(path).then(() => true, () => false);
    if (exists) {
      console.error(`modts create: ${path} already exists; nothing was written`);
      return 1;
    }
  }
  for (const [rel, text] of Object.entries(SCAFFOLD)) {
    const path = join(dir, rel);
    await Deno.mkdir(resolve(path, ".."), { recursive: true });
    await Deno.writeTextFile(path, text, { createNew: true });
    console.log(`created ${path}`);
  }
  console.log(`\nNext: modts serve ${join(positionals[0], "public")}`);
  return 0;
}
