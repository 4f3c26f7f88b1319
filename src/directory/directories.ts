// The effective settings of each directory: its `_directory.ts` merged onto its parent's,
// cached for the file-system TTL so that a request pays one map lookup. `_directory.ts` files
// are loaded with the publisher's module loader, so an edit (or an edited import) reloads.
import { dirname } from "node:path";
import { StatCache } from "../fs/stat.ts";
import { TtlCache } from "../fs/ttl_cache.ts";
import type { ModuleLoader } from "../modules/loader.ts";
import { merge, type Settings } from "./settings.ts";

export const DIRECTORY_FILE = "_directory.ts";

export class Directories {
  #settings: TtlCache<string, Settings | Promise<Settings>>;
  #stats: StatCache;
  #modules: ModuleLoader;

  constructor(
    /** The document root, as a real path. */
    private realRoot: string,
    /** The root's settings before its own `_directory.ts`. */
    /** The settings before any `_directory.ts`: the server's. */
    readonly base: Settings,
    ttlMs: number,
    /** The publisher's loader: a helper both import is one instance. */
    modules: ModuleLoader,
  ) {
    this.#settings = new TtlCache(ttlMs);
    this.#stats = new StatCache(ttlMs);
    this.#modules = modules;
  }

  /** The settings of `dir` (absolute, inside the root); synchronous when cached. */
  settingsFor(dir: string): Settings | Promise<Settings> {
    return this.#settings.load(dir, () => this.#compute(dir));
  }

  async #compute(dir: string): Promise<Settings> {
    const parent = dir === this.realRoot ? this.base : await this.settingsFor(dirname(dir));
    const file = `${dir}/${DIRECTORY_FILE}`;
    if (!(await this.#stats.stat(file))?.isFile) return parent;
    // Code runs from here: it must really lie inside the root (a symlinked directory could
    // lead anywhere). Outside, the file is ignored as if absent.
    const real = await Deno.realPath(file).catch(() => null);
    if (!real?.startsWith(this.realRoot + "/")) return parent;
    const { exports } = await this.#modules.load(file);
    return merge(parent, exports, file, dir.slice(this.realRoot.length) + "/");
  }
}
