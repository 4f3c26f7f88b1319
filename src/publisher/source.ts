import type { LoadedModule } from "../modules/loader.ts";
import { readHiddenMembers, readSignatures, type Signatures } from "./signatures.ts";
import type { HiddenMembers } from "./traverse.ts";

/** What the publisher reads from one version of a module's sources, once. */
export interface ModuleSource {
  signatures: Signatures;
  /** `private`/`protected` members of the classes in the module and the files it imports. */
  hidden: HiddenMembers;
}

/** A module's signatures, and the hidden members of every TypeScript file it was built from. */
export async function readSource(module: LoadedModule): Promise<ModuleSource> {
  const tsx = (file: string) => file.endsWith(".tsx");
  const signatures = await readSignatures(await Deno.readTextFile(module.path), tsx(module.path));
  const hidden: HiddenMembers = new Map();
  for (const file of module.files.keys()) {
    if (!/\.tsx?$/.test(file)) continue;
    const source = await Deno.readTextFile(file).catch(() => "");
    for (const [name, members] of await readHiddenMembers(source, tsx(file))) {
      hidden.set(name, new Set([...hidden.get(name) ?? [], ...members]));
    }
  }
  return { signatures, hidden };
}
