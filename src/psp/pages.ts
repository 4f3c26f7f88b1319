import { FreshCache, Freshness, type Tracked } from "../modules/freshness.ts";
import { compilePage, instantiate, type PageFunction, pageRuntime } from "./compile.ts";
import type { DiskCache } from "./disk_cache.ts";
import { expand, type Origin } from "./expand.ts";

/** A compiled page; its `files` are the page and everything it includes, as compiled. */
export interface Page extends Tracked {
  fn: PageFunction;
  /** The `this` it runs with (see pageRuntime). */
  runtime: ReturnType<typeof pageRuntime>;
  origins: Origin[];
  usesSession: boolean;
}

/**
 * Compiled pages by path, recompiled when the page or any file it includes changed (the
 * module loader's FreshCache: checked at most every `ttlMs`, never with autoreload off).
 */
export class PageCache {
  #pages: FreshCache<Page>;

  constructor(
    autoreload: boolean,
    ttlMs: number,
    private disk: DiskCache | null,
    private log: (message: string) => void,
  ) {
    this.#pages = new FreshCache(new Freshness(ttlMs), autoreload, ttlMs);
  }

  /** Synchronous when the page is compiled and was checked recently. */
  get(file: string, realRoot: string, autoreload?: boolean): Page | Promise<Page> {
    return this.#pages.get(
      file,
      () => compile(file, realRoot, this.#pages.freshness, this.disk, this.log),
      autoreload,
    );
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
