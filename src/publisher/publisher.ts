import { traced, tracing } from "../log/tracing.ts";
import type { Diagnostic, Handler } from "../dispatch/registry.ts";
import { HttpError } from "../http/status.ts";
import type { Exports, LoadedModule, ModuleLoader } from "../modules/loader.ts";
import { ModuleError } from "../modules/module_error.ts";
import type { Exchange } from "../request/exchange.ts";
import type { Form } from "../request/form.ts";
import { buildArguments, positionalArguments } from "./arguments.ts";
import { authorize, isGuarded } from "./auth.ts";
import { positionalCall } from "./positional.ts";
import { resultResponse } from "./results.ts";
import { allowedMethods } from "./methods.ts";
import { type Param, readRuntimeSignature } from "./signatures.ts";
import { type ModuleSource, readSource } from "./source.ts";
import { type AnyFunction, type Traversal, traverse } from "./traverse.ts";

const MAX_ROUTES = 1000;

interface Route extends Traversal {
  allowed: string[];
  /** Whether anything on the way has `__auth__` or `__access__`. */
  guarded: boolean;
}

/** A module version's sources as `readSource` gives them, and its routes. */
interface Source extends ModuleSource {
  /** What each path info named (filled as requests come). */
  routes: Map<string, Route>;
}

async function routedSource(module: LoadedModule): Promise<Source> {
  return { ...await readSource(module), routes: new Map() };
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
      source = routedSource(module).then((s) => {
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
      throw new HttpError(405, undefined, { allow: route.allowed.join(", ") });
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
    const params = source.signatures.get(route.path)?.params ??
      this.#runtimeParams(route.target as AnyFunction);
    if (form instanceof Promise || params instanceof Promise) {
      return Promise.all([form, params]).then(([f, p]) => this.#apply(ex, route, f, p));
    }
    return this.#apply(ex, route, form, params);
  }

  /**
   * Arguments by field name, or by position for modts's client (src/client/wire.ts), whose
   * plain results then go as JSON.
   */
  #apply(ex: Exchange, route: Route, form: Form, params: Param[]): Response | Promise<Response> {
    const call = positionalCall(ex, form);
    if (call === null) return this.#invoke(ex, route, buildArguments(params, form, ex), false);
    if (call instanceof Promise) {
      return call.then((values) =>
        this.#invoke(ex, route, positionalArguments(params, values, form, ex), true)
      );
    }
    return this.#invoke(ex, route, positionalArguments(params, call, form, ex), true);
  }

  #invoke(
    ex: Exchange,
    route: Route,
    args: unknown[],
    json: boolean,
  ): Response | Promise<Response> {
    const fn = route.target as AnyFunction;
    const result = tracing()
      ? traced(
        "modts.publisher.call",
        { "modts.module": ex.target.file.slice(ex.site.root.length), "modts.function": route.path },
        () => fn.apply(route.owner, args),
      )
      : fn.apply(route.owner, args);
    if (result instanceof Promise) return result.then((r) => resultResponse(ex, r, json));
    return resultResponse(ex, result, json);
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
