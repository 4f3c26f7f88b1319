import { pathToFileURL } from "node:url";
import type { FileStat } from "../fs/stat.ts";

export interface LoadedModule {
  namespace: Record<string, unknown>;
  /** `mtime-size` of the file that was imported. */
  version: string;
}

/**
 * Publisher modules by path. A module is imported again when its file changed (the stat the
 * dispatcher hands in is at most a second old), unless autoreload is off. Each version is a
 * new `import()` with a `?v=` query, so modules with the same name in different directories,
 * and versions of one module, never mix.
 *
 * Known gap (see docs/publisher.md): only the edited module itself is re-imported, not the
 * local modules it imports, and Deno never frees an imported version.
 */
export class ModuleCache {
  #modules = new Map<string, LoadedModule | Promise<LoadedModule>>();

  constructor(private autoreload: boolean) {}

  /** Synchronous when the cached version is current (the hot path). */
  load(path: string, stat: FileStat): LoadedModule | Promise<LoadedModule> {
    const version = `${stat.mtimeMs}-${stat.size}`;
    const hit = this.#modules.get(path);
    if (hit !== undefined) {
      if (hit instanceof Promise || !this.autoreload || hit.version === version) return hit;
    }
    const url = `${pathToFileURL(path).href}?v=${version}`;
    const loading = import(url).then(
      (namespace) => {
        const loaded = { namespace, version };
        this.#modules.set(path, loaded);
        return loaded;
      },
      (e) => {
        this.#modules.delete(path);
        throw e;
      },
    );
    this.#modules.set(path, loading);
    return loading;
  }
}
