import { pathToFileURL } from "node:url";
import type { Diagnostic, Handler } from "../dispatch/registry.ts";
import { statusPage } from "../http/error_pages.ts";
import { type Exports, ModuleLoader } from "../modules/loader.ts";
import type { Req } from "../request/request.ts";
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
  readonly implicitExtension = ".ts";
  #modules: ModuleLoader;
  #routes = new WeakMap<Exports, Map<string, Route>>();
  /** By module version: a reloaded module has new exports, and its source is read again. */
  #signatures = new WeakMap<Exports, Signatures | Promise<Signatures>>();
  #runtime = new WeakMap<AnyFunction, Param[] | Promise<Param[]>>();

  /** `modules`: shared with `_directory.ts` loading, so both see one instance of a helper. */
  constructor({ modules }: { modules: ModuleLoader }) {
    this.#modules = modules;
  }

  // Each step is synchronous when its answer is cached (see src/util/maybe_async.ts).
  handle(req: Req): Response | Promise<Response> {
    return then(
      this.#modules.load(req.filename, req.settings.autoreload),
      (exports) => this.#publish(req, exports),
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

  #publish(req: Req, exports: Exports): Response | Promise<Response> {
    const { target, owner, chain, path, allowed, guarded } = this.#route(exports, req.pathInfo);
    if (!allowed.includes(req.method)) {
      return statusPage(405, undefined, { allow: allowed.join(", ") });
    }
    return then(guarded ? authorize(req, chain) : undefined, () => {
      if (typeof target !== "function") return resultResponse(req, target);
      const fn = target as AnyFunction;
      return then(
        req.loadForm(),
        (form) =>
          then(
            this.#params(req.filename, exports, path, fn),
            (params) =>
              then(fn.apply(owner, buildArguments(params, form, req)), (result) =>
                resultResponse(req, result)),
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
  async check(files: string[]): Promise<Diagnostic[]> {
    const problems: Diagnostic[] = [];
    const loaded: string[] = [];
    for (const file of files) {
      const problem = await loadProblem(file);
      if (problem) problems.push(problem);
      else loaded.push(file);
    }
    return [...problems, ...await typeCheck(loaded)];
  }
}

async function loadProblem(file: string): Promise<Diagnostic | undefined> {
  try {
    await readSignatures(await Deno.readTextFile(file));
  } catch (e) {
    const loc = (e as { loc?: { line: number } }).loc;
    return { file, line: loc?.line, message: (e as Error).message.replace(/ \(\d+:\d+\)$/, "") };
  }
  try {
    await new ModuleLoader(false).load(file);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    // Evaluated code shows as `at eval (file:///x.ts, <anonymous>:LINE:COL)`.
    const at = new RegExp(`${pathToFileURL(file).href}(?:, <anonymous>)?:(\\d+)`);
    const line = at.exec(err.stack ?? "");
    return { file, line: line ? Number(line[1]) : undefined, message: err.message.split("\n")[0] };
  }
}
