// Loading user code — publisher modules, `_directory.ts`, pages and everything local they
// import — as real ES modules, with modts owning the module graph so that an edit reloads
// the edited module and its importers, and old versions are freed.
//
// Why not `import()`: Deno never unloads an imported module (each version stays, ~100 KB),
// and a cache-busted import refreshes only the top module, not its static imports. So each
// local module becomes a node:vm SourceTextModule: V8's own module records — live bindings,
// `export *`, cycles, top-level await, `import.meta`, exactly as `deno run` has them — linked
// by this loader and freed once no graph refers to them. Run with
// --v8-flags=--no-compilation-cache (the deno.json tasks do), or V8 keeps every version's code.
//
// Modules are keyed by URL, as Deno keys them (`./x.ts?v=2` is a module of its own).
// Specifiers resolve like `deno run` with the site's deno.json (specifiers.ts): local files are
// ours; `modts` and modts's own files are the server's instances; `npm:`, `jsr:`, `node:` and
// URLs go to Deno's own loader, once, and are wrapped for linking. Dynamic `import()` goes
// through this loader too (dynamic_import.ts).
import { AsyncLocalStorage } from "node:async_hooks";
import { dirname, extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Module, SourceTextModule, SyntheticModule } from "node:vm";
import { coarseNow } from "../fs/clock.ts";
import { GarbageCollector } from "./collect_garbage.ts";
import { type FileVersion, FreshCache, Freshness, type Tracked } from "./freshness.ts";
import { IMPORT_HOOK, withDynamicImports } from "./dynamic_import.ts";
import { hostNamespace } from "./host_modules.ts";
import { ModuleError } from "./module_error.ts";
import { HotContext } from "./module_hot.ts";
import { ModulePositions } from "./module_positions.ts";
import { loadSiteConfig, type SiteConfig } from "./site_config.ts";
import {
  checkModuleType,
  type Importer,
  importError,
  resolveImport,
  resolveNow,
} from "./specifiers.ts";
import { needsSwc, transpile } from "./transpile.ts";

export type Exports = Record<string | symbol, unknown>;

/** One version of a module, as the loader hands it out. */
export interface LoadedModule extends Tracked {
  readonly path: string;
  /** Its namespace: the exports, live. */
  readonly exports: Exports;
  /** What a source provider attached to it (a page's line map). */
  readonly meta: unknown;
  /** Every file this version was built from: itself, what it imports, the site config. */
  files: Map<string, FileVersion>;
}

/** Makes the JavaScript module of a kind of file that is not a plain module (pages). */
export interface SourceProvider {
  load(path: string, freshness: Freshness, root: string): Promise<{
    code: string;
    /** The files the code was made from (the page and its includes). */
    files: Map<string, FileVersion>;
    meta: unknown;
  }>;
  /** A located error for a syntax error V8 found in `code` (V8 says only what, not where). */
  syntaxError(path: string, code: string, meta: unknown, error: SyntaxError): Promise<Error>;
}

interface ModuleRecord extends LoadedModule, Importer {
  exports: Exports;
  module: Module;
  hot: HotContext;
  /** Its own files (the closure is computed into `files` once the graph is built). */
  readonly own: Map<string, FileVersion>;
  /** What each of its import requests links to. */
  links: Map<string, ModuleRecord | Module>;
}

/**
 * A graph that failed to build, kept with the files it read: it throws the same error again
 * (as Deno's module map does) until one of them changes.
 */
interface Failure extends Tracked {
  error: unknown;
}

type Entry = ModuleRecord | Failure;

/**
 * The records of the builds whose evaluation is running, innermost first. A module that
 * imports another with top-level await is evaluated inside its graph's build: that import is
 * built at once (waiting for the queue would wait for itself), and shares the records the
 * enclosing builds made.
 */
const enclosing = new AsyncLocalStorage<Map<string, ModuleRecord>[]>();

function requestKey(specifier: string, type: string | undefined): string {
  return `${specifier}\0${type ?? ""}`;
}

function isRecord(entry: Entry | Module | undefined): entry is ModuleRecord {
  return entry !== undefined && "hot" in entry;
}

export interface LoaderOptions {
  /** The document root (a real path): where the site's deno.json is looked for. */
  root: string;
  /** Compare a module's files with the disk at most every `checkMs` (false: load once). */
  autoreload: boolean;
  checkMs?: number;
  /** How long after a file changed a failure to load it may be a write still in progress. */
  settleMs?: number;
  log?: (message: string) => void;
}

export class ModuleLoader {
  #records: FreshCache<Entry>;
  #configs: FreshCache<SiteConfig>;
  #freshness: Freshness;
  #root: string;
  #log: (message: string) => void;
  #settleMs: number;
  /** Namespaces from Deno's own loader and modts's, wrapped for linking, by URL and type. */
  #wrapped = new Map<string, Promise<Module>>();
  #byModule = new WeakMap<Module, ModuleRecord>();
  /** File URLs of the paths modules were loaded by (those of files under the root). */
  #urls = new Map<string, string>();
  /** Graphs are built one at a time: two builds must not make two instances of one file. */
  #building: Promise<unknown> = Promise.resolve();
  #providers = new Map<string, SourceProvider>();
  #garbage = new GarbageCollector();
  readonly positions = new ModulePositions();

  constructor(
    { root, autoreload, checkMs = 1000, settleMs = 1000, log = () => {} }: LoaderOptions,
  ) {
    this.#settleMs = settleMs;
    this.#freshness = new Freshness(checkMs);
    this.#records = new FreshCache(this.#freshness, autoreload, checkMs);
    this.#configs = new FreshCache(this.#freshness, autoreload, checkMs);
    this.#root = root;
    this.#log = log;
  }

  /** Whether `version` changed so recently that a failure to load it may be a write in progress. */
  #isSettling(version: FileVersion): boolean {
    return version.version !== "missing" && Date.now() - version.mtimeMs < this.#settleMs;
  }

  /** Files ending in `extension` are made by `provider`; they can be loaded, not imported. */
  provide(extension: string, provider: SourceProvider): void {
    this.#providers.set(extension, provider);
  }

  /**
   * A module, loaded and evaluated; synchronous when it is loaded and was checked recently
   * (the hot path). `autoreload` overrides the loader's setting for this load.
   */
  load(path: string, autoreload?: boolean): LoadedModule | Promise<LoadedModule> {
    let url = this.#urls.get(path);
    // pathToFileURL costs microseconds: a tenth of a small request.
    if (url === undefined) this.#urls.set(path, url = pathToFileURL(path).href);
    const entry = this.#entry(url, autoreload);
    return entry instanceof Promise ? entry.then(loaded) : loaded(entry);
  }

  #entry(url: string, autoreload?: boolean): Entry | Promise<Entry> {
    return this.#records.get(url, () => this.#serially(() => this.#build(url)), autoreload);
  }

  /** The site config in force (checked like a module's files). */
  siteConfig(): SiteConfig | Promise<SiteConfig> {
    return this.#configs.get("", () => loadSiteConfig(this.#root, this.#freshness));
  }

  /** Runs every module's `import.meta.hot.dispose` callbacks: the server is stopping. */
  async close(): Promise<void> {
    this.#garbage.stop();
    await this.#serially(async () => {
      for (const entry of this.#records.values()) {
        if (isRecord(entry)) await entry.hot.run(this.#log, entry.path);
      }
    });
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#building.then(work);
    this.#building = run.catch(() => {});
    return run;
  }

  /**
   * Builds the graph under `url`: the modules whose files changed (and their importers) as
   * new records, the rest shared. The old versions' dispose callbacks run before any new code
   * does; nothing of a graph that fails is kept but the failure itself.
   */
  async #build(url: string): Promise<Entry> {
    const config = await this.siteConfig();
    const created = new Map<string, ModuleRecord>();
    const outer = enclosing.getStore() ?? [];
    try {
      const entry = await this.#record(url, config, created, true, outer);
      if (created.has(url)) await this.#evaluate(entry, created, outer);
      return entry;
    } catch (error) {
      const files = new Map(config.files);
      for (const record of created.values()) for (const [f, v] of record.own) files.set(f, v);
      // The file that failed to compile is one of them: fixing it rebuilds.
      for (const [f, v] of failedReads.get(error as object) ?? []) files.set(f, v);
      if (error instanceof Deno.errors.NotFound) {
        files.set(fileURLToPath(url), await this.#freshness.seen(fileURLToPath(url)));
      }
      // An editor writing in place (truncate, then write) leaves an empty or half-written
      // file for a moment: until the edit has settled, the last good version serves on.
      const old = this.#records.peek(url);
      if (isRecord(old) && [...files.values()].some((v) => this.#isSettling(v))) {
        old.checkedAt = coarseNow();
        return old;
      }
      return { error, files, checkedAt: coarseNow() };
    }
  }

  /** Links and evaluates a graph's new records, then makes them the current versions. */
  async #evaluate(
    entry: ModuleRecord,
    created: Map<string, ModuleRecord>,
    outer: Map<string, ModuleRecord>[],
  ): Promise<void> {
    for (const record of created.values()) record.files = this.#closure(record, created);
    try {
      await entry.module.link((specifier, referencing, extra) => {
        const key = requestKey(specifier, extra?.attributes?.type);
        const target = this.#byModule.get(referencing)?.links.get(key);
        if (target === undefined) throw new Error(`unlinked import "${specifier}"`);
        return isRecord(target) ? target.module : target;
      });
    } catch (e) {
      throw e instanceof ModuleError ? e : await linkError(e, entry.path, created);
    }
    for (const record of created.values()) {
      // Live from here on: a module importing this one while it evaluates sees its bindings.
      record.exports = record.module.namespace as Exports;
      const old = this.#records.peek(record.url);
      if (isRecord(old)) await old.hot.run(this.#log, record.path);
    }
    try {
      await enclosing.run([created, ...outer], () => entry.module.evaluate());
    } catch (e) {
      for (const record of created.values()) await record.hot.run(this.#log, record.path);
      throw this.#evaluationError(e, entry.path, created);
    }
    const now = coarseNow();
    let replaced = 0;
    for (const record of created.values()) {
      record.checkedAt = now;
      if (isRecord(this.#records.peek(record.url))) replaced++;
      this.#records.set(record.url, record);
    }
    if (replaced > 0) this.#garbage.replaced(replaced);
  }

  /** The record for `url` in this build: the current one if nothing in it changed, else new. */
  async #record(
    url: string,
    config: SiteConfig,
    created: Map<string, ModuleRecord>,
    isEntry: boolean,
    outer: Map<string, ModuleRecord>[] = [],
  ): Promise<ModuleRecord> {
    const done = created.get(url) ?? outer.find((c) => c.has(url))?.get(url);
    if (done) return done;
    const old = this.#records.peek(url);
    if (isRecord(old) && !(await this.#freshness.changed(old.files))) return old;

    const path = fileURLToPath(url);
    const provider = this.#providers.get(extname(path));
    if (provider && !isEntry) throw new Error(`${path} cannot be imported`);
    const own = new Map(config.files);
    const hot = new HotContext(isRecord(old) ? old.hot.data : undefined);
    let module: Module;
    let meta: unknown;
    if (path.endsWith(".json")) {
      const { source, seen } = await this.#freshness.read(path);
      own.set(path, seen);
      const value = parseJson(path, source);
      module = new SyntheticModule(["default"], function () {
        this.setExport("default", value);
      }, { identifier: url });
    } else if (provider) {
      try {
        const made = await provider.load(path, this.#freshness, this.#root);
        for (const [file, seen] of made.files) own.set(file, seen);
        meta = made.meta;
        const code = await withDynamicImports(made.code, path);
        try {
          module = this.#module(code, url, path, hot);
        } catch (e) {
          throw e instanceof SyntaxError ? await provider.syntaxError(path, code, meta, e) : e;
        }
      } catch (e) {
        // What was read is unknown when the provider itself failed: the file, and the one
        // the error names (an included part).
        if (!own.has(path)) own.set(path, await this.#freshness.seen(path));
        const named = (e as { file?: unknown }).file;
        if (typeof named === "string") own.set(named, await this.#freshness.seen(named));
        if (typeof e === "object" && e !== null) failedReads.set(e, own);
        throw e;
      }
    } else {
      const { source, seen } = await this.#freshness.read(path);
      own.set(path, seen);
      try {
        // Empty where a version with code was: a write in progress, until it settles.
        if (isRecord(old) && source.trim() === "" && this.#isSettling(seen)) {
          throw new ModuleError("the file is empty (being written?)", path);
        }
        module = await this.#compile(path, url, source, config, hot);
      } catch (e) {
        if (typeof e === "object" && e !== null) failedReads.set(e, own);
        throw e;
      }
    }
    const record: ModuleRecord = {
      path,
      url,
      module,
      meta,
      own,
      files: own,
      checkedAt: 0,
      exports: {},
      links: new Map(),
      hot,
    };
    created.set(url, record);
    this.#byModule.set(module, record);
    for (const request of (module as SourceTextModule).moduleRequests ?? []) {
      const { specifier, attributes } = request;
      record.links.set(
        requestKey(specifier, attributes?.type),
        await this.#dependency(specifier, attributes?.type, record, config, created),
      );
    }
    return record;
  }

  /**
   * A module of `source`: transpiled (keeping positions where it can), or, when V8 rejects
   * what Deno's stripper left (an auto-accessor, a decorator it let through), compiled by swc.
   */
  async #compile(
    path: string,
    url: string,
    source: string,
    config: SiteConfig,
    hot: HotContext,
  ): Promise<Module> {
    let swc = needsSwc(path);
    for (;;) {
      const { code, map } = await transpile(path, url, source, config, swc);
      try {
        const module = this.#module(await withDynamicImports(code, path), url, path, hot);
        this.positions.set(url, map);
        return module;
      } catch (e) {
        if (!(e instanceof SyntaxError)) throw e;
        if (swc || /\.m?js$/.test(path)) {
          throw new ModuleError(`syntax error: ${e.message}`, path, { cause: e, source });
        }
        swc = true;
      }
    }
  }

  #module(code: string, url: string, path: string, hot: HotContext): SourceTextModule {
    return new SourceTextModule(code, {
      identifier: url,
      initializeImportMeta: this.#importMeta({ url, path }, hot),
    });
  }

  /** What a static import of `specifier` by `from` links to. */
  async #dependency(
    specifier: string,
    type: string | undefined,
    from: ModuleRecord,
    config: SiteConfig,
    created: Map<string, ModuleRecord>,
  ): Promise<ModuleRecord | Module> {
    const resolved = await resolveImport(specifier, from, config, this.#freshness);
    if (resolved.kind === "host") return await this.#wrap(resolved.key, type, hostNamespace);
    if (resolved.kind === "external") return await this.#wrap(resolved.url, type, nativeImport);
    checkModuleType(specifier, resolved.path, type, from);
    try {
      return await this.#record(resolved.url, config, created, false, enclosing.getStore());
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      throw await importError(`module not found: ${resolved.url}`, specifier, from.path);
    }
  }

  /**
   * A namespace from outside the graph as a module to link, made once per URL (and import
   * type). A synthetic module copies the exports when it is made: the values and the module's
   * state are the module's own, but a later reassignment of an `export let` is not seen.
   */
  #wrap(
    url: string,
    type: string | undefined,
    load: (url: string, type?: string) => Promise<Record<string, unknown>>,
  ): Promise<Module> {
    const key = requestKey(url, type);
    let wrapped = this.#wrapped.get(key);
    if (!wrapped) {
      wrapped = (async () => {
        const ns = await load(url, type);
        const names = Object.keys(ns);
        const module = new SyntheticModule(names, function () {
          for (const name of names) this.setExport(name, ns[name]);
        }, { identifier: url });
        await module.link(() => {
          throw new Error("a wrapped namespace has no imports");
        });
        await module.evaluate();
        return module;
      })();
      wrapped.catch(() => this.#wrapped.delete(key));
      this.#wrapped.set(key, wrapped);
    }
    return wrapped;
  }

  /** Every file `record` was built from: its own, and those of all it links to. */
  #closure(record: ModuleRecord, created: Map<string, ModuleRecord>): Map<string, FileVersion> {
    const files = new Map<string, FileVersion>();
    const seen = new Set<ModuleRecord>();
    const visit = (r: ModuleRecord) => {
      if (seen.has(r)) return;
      seen.add(r);
      const fromCreated = created.get(r.url) === r;
      for (const [file, v] of fromCreated ? r.own : r.files) files.set(file, v);
      if (!fromCreated) return; // a reused record's files are its whole closure already
      for (const link of r.links.values()) if (isRecord(link)) visit(link);
    };
    visit(record);
    return files;
  }

  /**
   * The `initializeImportMeta` of one module. Deno keeps each module's callback for good, so
   * it holds what import.meta needs (`from`, `hot`), never the module or its record: those
   * would then stay alive with every version. The keys come in Deno's order.
   */
  #importMeta(from: Importer, hot: HotContext) {
    return (meta: ImportMeta) => {
      const m = meta as ImportMeta & { [IMPORT_HOOK]: unknown; hot: unknown };
      m.url = from.url;
      m.main = false;
      m.resolve = (...args: [string]) => resolveNow(String(args[0]), from, this.#configs.peek(""));
      m.filename = from.path;
      m.dirname = dirname(from.path);
      m.hot = hot;
      Object.defineProperty(m, IMPORT_HOOK, {
        value: (specifier: unknown, options?: unknown) =>
          this.#dynamicImport(specifier, options, from),
      });
    };
  }

  /** `import(specifier, options)` in a module: relative to it, the current version. */
  async #dynamicImport(specifier: unknown, options: unknown, from: Importer): Promise<unknown> {
    const type = importType(options);
    const resolved = await resolveImport(
      String(specifier),
      from,
      await this.siteConfig(),
      this.#freshness,
    );
    // The module's own namespace, live (a static import's is a snapshot: see #wrap).
    if (resolved.kind === "host") return await hostNamespace(resolved.key);
    if (resolved.kind === "external") return await nativeImport(resolved.url, type);
    if (this.#providers.has(extname(resolved.path))) {
      throw new TypeError(`${resolved.path} cannot be imported`);
    }
    checkModuleType(String(specifier), resolved.path, type, from);
    const entry = enclosing.getStore() !== undefined
      ? await this.#build(resolved.url)
      : await this.#entry(resolved.url);
    if (isRecord(entry)) return entry.module.namespace;
    // What the module threw, as `import()` rejects with it; a load error as it is.
    const error = entry.error;
    throw error instanceof ModuleError && error.thrown !== undefined ? error.thrown : error;
  }

  /** An error thrown while a new graph evaluated, at the first line of user code it names. */
  #evaluationError(e: unknown, entry: string, created: Map<string, ModuleRecord>): Error {
    if (e instanceof ModuleError) return e;
    const stack = String(e instanceof Error ? e.stack : "");
    for (const m of stack.matchAll(/(file:\/\/\S+?):(\d+):(\d+)/g)) {
      const record = created.get(m[1]);
      if (!record) continue;
      let source: string | undefined;
      try {
        source = Deno.readTextFileSync(record.path);
      } catch { /* the excerpt is a convenience */ }
      const at = this.positions.original(record.url, Number(m[2]), Number(m[3]));
      return new ModuleError(`${errorText(e)} (while the module loaded)`, record.path, {
        ...at,
        source,
        cause: e,
        thrown: e,
      });
    }
    return new ModuleError(`${errorText(e)} (while the module loaded)`, entry, {
      cause: e,
      thrown: e,
    });
  }
}

/** The files a module that failed to compile was read from, by its error. */
const failedReads = new WeakMap<object, Map<string, FileVersion>>();

/** A loaded module, or the failure of its graph thrown again. */
function loaded(entry: Entry): LoadedModule {
  if (isRecord(entry)) return entry;
  throw (entry as Failure).error;
}

/** The `type` import attribute of `import(x, options)`, checked as `import()` checks it. */
function importType(options: unknown): string | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null) {
    throw new TypeError("The second argument to import() must be an object");
  }
  const attributes = (options as { with?: unknown }).with;
  if (attributes === undefined) return undefined;
  if (typeof attributes !== "object" || attributes === null) {
    throw new TypeError("The 'with' option of import() must be an object");
  }
  for (const value of Object.values(attributes)) {
    if (typeof value !== "string") throw new TypeError("Import attribute values must be strings");
  }
  return (attributes as { type?: string }).type;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function nativeImport(url: string, type?: string): Promise<Record<string, unknown>> {
  return type === undefined ? import(url) : import(url, { with: { type } });
}

function parseJson(path: string, source: string): unknown {
  try {
    return JSON.parse(source);
  } catch (e) {
    throw new ModuleError(`invalid JSON: ${(e as Error).message}`, path, { cause: e });
  }
}

/**
 * A link error (`The requested module './x.ts' does not provide an export named 'y'`) at
 * the import that asks for it, in whichever new module of the graph has it.
 */
async function linkError(
  e: unknown,
  entry: string,
  created: Map<string, ModuleRecord>,
): Promise<Error> {
  const specifier = /requested module '([^']+)'/.exec(errorText(e))?.[1];
  for (const record of specifier === undefined ? [] : created.values()) {
    const error = await importError(errorText(e), specifier!, record.path);
    if (error.line !== undefined) return error;
  }
  return new ModuleError(errorText(e), entry, { cause: e });
}
