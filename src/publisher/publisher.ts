import type { Diagnostic, Handler } from "../dispatch/registry.ts";
import { statusPage } from "../http/error_pages.ts";
import { type Exports, ModuleLoader } from "../modules/loader.ts";
import { ModuleError } from "../modules/module_error.ts";
import type { Exchange } from "../request/exchange.ts";
import { buildArguments } from "./arguments.ts";
import { authorize, isGuarded } from "./auth.ts";
import { resultResponse } from "./results.ts";
import { type Param, readRuntimeSignature, readSignatures, type Signatures } from "./signatures.ts";
import { type AnyFunction, type Traversal, traverse } from "./traverse.ts";
import { typeCheck } from "./type_check.ts";
import { then } from "../util/maybe_async.ts";

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

/** The publisher (SPEC §3): a URL names an export of a `.ts` module, which is called. */
export class Publisher implements Handler {
  readonly acceptsPathInfo = true;
  readonly implicitExtensions = [".ts", ".tsx"];
  #routes = new WeakMap<Exports, Map<string, Route>>();
  /** By module version: a reloaded module has new exports, and its source is read again. */
  #signatures = new WeakMap<Exports, Signatures | Promise<Signatures>>();
  #runtime = new WeakMap<AnyFunction, Param[] | Promise<Param[]>>();

  // Each step is synchronous when its answer is cached (see src/util/maybe_async.ts).
  handle(ex: Exchange): Response | Promise<Response> {
    return then(
      ex.site.modules.load(ex.target.file, ex.settings.autoreload),
      (module) => this.#publish(ex, module.exports),
    );
  }

  /** What a path info names in one version of a module; refusals are not cached. */
  #route(exports: Exports, pathInfo: string): Route {
    let routes = this.#routes.get(exports);
    if (!routes) this.#routes.set(exports, routes = new Map());
    let route = routes.get(pathInfo);
    if (!route) {
      const traversal = traverse(exports, pathInfo);
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

  #publish(ex: Exchange, exports: Exports): Response | Promise<Response> {
    const route = this.#route(exports, ex.target.pathInfo);
    const { target, owner, chain, path, allowed, guarded } = route;
    if (!allowed.includes(ex.method)) {
      return statusPage(405, undefined, { allow: allowed.join(", ") });
    }
    return then(guarded ? authorize(ex.req, chain) : undefined, () => {
      if (typeof target !== "function") return resultResponse(ex, target);
      const fn = target as AnyFunction;
      return then(
        ex.loadForm(),
        (form) =>
          then(
            this.#params(ex.target.file, exports, path, fn),
            (params) =>
              then(fn.apply(owner, buildArguments(params, form, ex.req)), (result) =>
                resultResponse(ex, result)),
          ),
      );
    });
  }

  /** The parameters of the function at `path`, from the module's source (once per version). */
  #params(file: string, exports: Exports, path: string, fn: AnyFunction) {
    let signatures = this.#signatures.get(exports);
    if (!signatures) {
      signatures = Deno.readTextFile(file).then(readSignatures).then((s) => {
        this.#signatures.set(exports, s);
        return s;
      });
      this.#signatures.set(exports, signatures);
    }
    return then(signatures, (s) => s.get(path) ?? this.#runtimeParams(fn));
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

  /** Syntax errors, errors raised while a module loads, then type errors (all with line). */
  async check(files: string[], realRoot: string): Promise<Diagnostic[]> {
    const problems: Diagnostic[] = [];
    const loaded: string[] = [];
    const modules = new ModuleLoader({ root: realRoot, autoreload: false });
    for (const file of files) {
      const problem = await loadProblem(file, modules);
      if (problem) problems.push(problem);
      else loaded.push(file);
    }
    return [...problems, ...await typeCheck(loaded)];
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
