import type { FileVersion } from "../modules/freshness.ts";
import { Freshness } from "../modules/freshness.ts";
import { compilePage, instantiate, type PageFunction, pageRuntime } from "./compile.ts";
import type { DiskCache } from "./disk_cache.ts";
import { expand, type Origin } from "./expand.ts";

export interface Page {
  fn: PageFunction;
  /** The `this` it runs with (see pageRuntime). */
  runtime: ReturnType<typeof pageRuntime>;
  origins: Origin[];
  usesSession: boolean;
  /** The page and everything it includes, as compiled. */
  files: Map<string, FileVersion>;
  checkedAt: number;
}

/**
 * Compiled pages by path, recompiled when the page or any file it includes changed (checked
 * at most every `ttlMs`, with the module loader's freshness rules), never with autoreload off.
 */
export class PageCache {
  #pages = new Map<string, Page>();
  #pending = new Map<string, Promise<Page>>();
  #freshness: Freshness;

  constructor(
    private autoreload: boolean,
    private ttlMs: number,
    private disk: DiskCache | null,
    private log: (message: string) => void,
  ) {
    this.#freshness = new Freshness(ttlMs);
  }

  /** Synchronous when the page is compiled and was checked recently. */
  get(file: string, realRoot: string): Page | Promise<Page> {
    const hit = this.#pages.get(file);
    if (hit && (!this.autoreload || Date.now() - hit.checkedAt < this.ttlMs)) return hit;
    let pending = this.#pending.get(file);
    if (!pending) {
      pending = this.#fresh(file, realRoot).finally(() => this.#pending.delete(file));
      this.#pending.set(file, pending);
    }
    return pending;
  }

  async #fresh(file: string, realRoot: string): Promise<Page> {
    const hit = this.#pages.get(file);
    if (hit && !(await this.#freshness.changed(hit.files))) {
      hit.checkedAt = Date.now();
      return hit;
    }
    const page = await compile(file, realRoot, this.#freshness, this.disk, this.log);
    this.#pages.set(file, page);
    return page;
  }
}

/**
 * Expands, compiles (or takes the compilation from the disk cache) and instantiates a page.
 * Compilations are logged: with a warm disk cache a restart logs none.
 */
export async function compile(
  file: string,
  realRoot: string,
  freshness: Freshness,
  disk: DiskCache | null = null,
  log: (message: string) => void = () => {},
): Promise<Page> {
  const expanded = await expand(file, realRoot, freshness);
  const cached = await disk?.get(file, expanded.sources);
  let compiled = cached?.compiled;
  if (!compiled) {
    const started = performance.now();
    compiled = compilePage(expanded);
    log(`psp: compiled ${file} (${(performance.now() - started).toFixed(1)} ms)`);
    await disk?.set(file, compiled, expanded.origins, expanded.sources);
  }
  const fn = await instantiate(compiled, expanded, file);
  return {
    fn,
    runtime: pageRuntime(expanded.origins),
    origins: expanded.origins,
    usesSession: compiled.usesSession,
    files: expanded.files,
    checkedAt: Date.now(),
  };
}
