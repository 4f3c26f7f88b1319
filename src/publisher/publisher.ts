import type { Diagnostic, Handler } from "../dispatch/registry.ts";
import { statusPage } from "../http/error_pages.ts";
import type { Exports, LoadedModule, ModuleLoader } from "../modules/loader.ts";
import { ModuleError } from "../modules/module_error.ts";
import type { Exchange } from "../request/exchange.ts";
import type { Form } from "../request/form.ts";
import { buildArguments } from "./arguments.ts";
import { authorize, isGuarded } from "./auth.ts";
import { resultResponse } from "./results.ts";
import {
  type Param,
  readHiddenMembers,
  readRuntimeSignature,
  readSignatures,
  type Signatures,
} from "./signatures.ts";
import { type AnyFunction, type HiddenMembers, type Traversal, traverse } from "./traverse.ts";

const DEFAULT_METHODS = ["GET", "HEAD", "POST"];
const MAX_ROUTES = 1000;

interface Route extends Traversal {
  allowed: string[];
  /** Whether anything on the way has `__auth__` or `__access__`. */
  guarded: boolean;
}

/** GET, HEAD and POST, plus what a function lists in its own `methods` property. */
function allowedMethods(target: unknown): string[] {
  const extra = typeof target === "function" && Object.hasOwn(target, "methods")
    ? (target as unknown as { methods: unknown }).methods
    : undefined;
  return Array.isArray(extra)
    ? [...new Set([...DEFAULT_METHODS, ...extra.map((m) => String(m).toUpperCase())])]
    : DEFAULT_METHODS;
}

/** What the publisher reads from one version of a module's sources, once. */
interface Source {
  signatures: Signatures;
  /** `private`/`protected` members of the classes in the module and the files it imports. */
  hidden: HiddenMembers;
  /** What each path info named (filled as requests come). */
  routes: Map<string, Route>;
}

/** A module's signatures, and the hidden members of every TypeScript file it was built from. */
async function readSource(module: LoadedModule): Promise<Source> {
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
  return { signatures, hidden, routes: new Map() };
}

/** The publisher (SPEC §3): a URL names an export of a `.ts` module, which is called. */
export class Publisher implements Handler {
  readonly acceptsPathInfo = true;
  readonly implicitExtensions = [".ts", ".tsx"];
  /** By module version: a reloaded module has new exports, and its sources are read again. */
  #sources = new WeakMap<Exports, Source | Promise<Source>>();
  #runtime = new WeakMap<AnyFunction, Param[] | Promise<Param[]>>();

  // Written without closures on the synchronous path: each step whose answer is cached goes
  // straight on (a promise or a closure per step cost a tenth of a small call).
  handle(ex: Exchange): Response | Promise<Response> {
    const module = ex.site.modules.load(ex.target.file, ex.settings.autoreload);
    if (module instanceof Promise) return module.then((m) => this.#sourced(ex, m));
    return this.#sourced(ex, module);
  }

  #sourced(ex: Exchange, module: LoadedModule): Response | Promise<Response> {
    const source = this.#source(module);
    if (source instanceof Promise) return source.then((s) => this.#publish(ex, module, s));
    return this.#publish(ex, module, source);
  }

  #source(module: LoadedModule): Source | Promise<Source> {
    let source = this.#sources.get(module.exports);
    if (!source) {
      source = readSource(module).then((s) => {
        this.#sources.set(module.exports, s);
        return s;
      });
      this.#sources.set(module.exports, source);
    }
    return source;
  }

  /** What a path info names in one version of a module; refusals are not cached. */
  #route(exports: Exports, source: Source, pathInfo: string): Route {
    const routes = source.routes;
    let route = routes.get(pathInfo);
    if (!route) {
      const traversal = traverse(exports, pathInfo, source.hidden);
      route = {
        ...traversal,
        allowed: allowedMethods(traversal.target),
        guarded: isGuarded(traversal.chain),
      };
      // Bounded: path infos come from clients.
      if (routes.size >= MAX_ROUTES) routes.clear();
      routes.set(pathInfo, route);
    }
    return route;
  }

  #publish(ex: Exchange, module: LoadedModule, source: Source): Response | Promise<Response> {
    const route = this.#route(module.exports, source, ex.target.pathInfo);
    if (!route.allowed.includes(ex.method)) {
      return statusPage(405, undefined, { allow: route.allowed.join(", ") });
    }
    if (route.guarded) {
      return authorize(ex.req, route.chain).then(() => this.#call(ex, route, source));
    }
    return this.#call(ex, route, source);
  }

  /** Calls what the route names with the form's fields, or publishes the value it names. */
  #call(ex: Exchange, route: Route, source: Source): Response | Promise<Response> {
    if (typeof route.target !== "function") return resultResponse(ex, route.target);
    const form = ex.loadForm();
    const params = source.signatures.get(route.path) ??
      this.#runtimeParams(route.target as AnyFunction);
    if (form instanceof Promise || params instanceof Promise) {
      return Promise.all([form, params]).then(([f, p]) => this.#apply(ex, route, f, p));
    }
    return this.#apply(ex, route, form, params);
  }

  #apply(ex: Exchange, route: Route, form: Form, params: Param[]): Response | Promise<Response> {
    const fn = route.target as AnyFunction;
    const result = fn.apply(route.owner, buildArguments(params, form, ex));
    if (result instanceof Promise) return result.then((r) => resultResponse(ex, r));
    return resultResponse(ex, result);
  }

  /** For functions the source does not show (class methods, functions built at run time). */
  #runtimeParams(fn: AnyFunction): Param[] | Promise<Param[]> {
    let params = this.#runtime.get(fn);
    if (!params) {
      params = readRuntimeSignature(fn).then((p) => {
        this.#runtime.set(fn, p);
        return p;
      });
      this.#runtime.set(fn, params);
    }
    return params;
  }

  /** Syntax errors, imports that fail, errors raised while a module loads (all with line). */
  async check(files: string[], modules: ModuleLoader): Promise<Diagnostic[]> {
    const problems: Diagnostic[] = [];
    for (const file of files) {
      const problem = await loadProblem(file, modules);
      if (problem) problems.push(problem);
    }
    return problems;
  }
}

/** Why `file` does not load (a syntax error, an import that fails, a throw), if it does not. */
async function loadProblem(file: string, modules: ModuleLoader): Promise<Diagnostic | undefined> {
  try {
    await modules.load(file);
  } catch (e) {
    if (e instanceof ModuleError) return { file: e.file, line: e.line, message: e.reason };
    return { file, message: e instanceof Error ? e.message.split("\n")[0] : String(e) };
  }
}
