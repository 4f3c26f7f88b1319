// Interpreters (mod_python's PythonInterpreter, PHP-FPM's pools): URL prefixes of a site whose
// code — modules, pages, `_directory.ts` hooks, mounted apps — runs in isolates of its own,
// with Deno's permissions narrowed to the interpreter's directory and a time limit that
// terminates the isolate. The server still routes, runs the hooks of the directories above the
// prefix, reads multipart bodies, owns the sessions and writes the access log.
import { dirname, join } from "node:path";
import { type InterpreterSpec, type ServerConfig, UsageError } from "../config/options.ts";
import type { Content } from "../directory/phases.ts";
import { processHost, workerHost } from "./hosts.ts";
import { Isolate } from "./isolate.ts";

/** One prefix and the isolates that serve it. */
export interface Interpreter {
  /** "/tenant-a/". */
  readonly prefix: string;
  /** Its directory: the isolates' document root. */
  readonly dir: string;
  /** The directory whose settings and hooks apply before the isolate (null: the root's parent). */
  readonly above: string | null;
  /** The content the dispatcher runs, after the hooks of the directories above. */
  readonly content: Content;
}

export interface Interpreters {
  /** The interpreter whose prefix `pathname` lies under (the longest prefix wins). */
  match(pathname: string): Interpreter | undefined;
  close(): void;
}

export async function openInterpreters(
  config: ServerConfig,
  root: string,
  uploadRoot: string,
  log: (message: string) => void,
): Promise<Interpreters> {
  const all: { segments: string[]; interpreter: Interpreter; isolates: Isolate[] }[] = [];
  const canRun = Deno.permissions.querySync({ name: "run", command: Deno.execPath() });
  for (const [prefix, spec] of Object.entries(config.interpreters ?? {})) {
    if (spec.memory !== null && canRun.state !== "granted") {
      throw new UsageError(
        `interpreters["${prefix}"]: "memory" runs it in processes of its own, ` +
          `which needs --allow-run for the server`,
      );
    }
    const dir = prefix === "/" ? root : join(root, prefix);
    const info = await Deno.stat(dir).catch(() => null);
    if (!info?.isDirectory) throw new Error(`interpreter ${prefix}: ${dir} is not a directory`);
    const uploadDir = join(uploadRoot, `interpreter-${all.length + 1}`);
    await Deno.mkdir(uploadDir, { recursive: true, mode: 0o700 });
    const timeout = spec.timeout ?? config.requestTimeout;
    const permissions = { read: readable(dir, uploadDir, spec), net: spec.net, env: spec.env };
    const isolates = Array.from({ length: spec.workers }, () =>
      new Isolate(
        {
          root: dir,
          basePath: prefix,
          uploadDir,
          debug: config.debug,
          autoreload: config.autoreload,
          maxBodySize: config.maxBodySize,
          requestTimeout: config.requestTimeout,
          fsTtl: config.fsTtl,
          liveReload: config.liveReload,
        },
        spec.memory === null
          ? workerHost(`modts interpreter ${prefix}`, permissions)
          : processHost(permissions, spec.memory),
        timeout * 1000,
        (message) => log(`interpreter ${prefix}: ${message}`),
      ));
    let turn = 0;
    const interpreter: Interpreter = {
      prefix,
      dir,
      above: prefix === "/" ? null : dirname(dir),
      content: {
        timed: true, // the isolate's own limit, which also ends a busy loop
        handle(ex) {
          // The least busy isolate, the next one in turn among equals; its answer gets the
          // session cookie the server set.
          turn = (turn + 1) % isolates.length;
          let isolate = isolates[turn];
          for (const other of isolates) if (other.load < isolate.load) isolate = other;
          return isolate.serve(ex).then((res) => ex.withCookies(res));
        },
      },
    };
    all.push({ segments: prefix.split("/").filter(Boolean), interpreter, isolates });
  }
  all.sort((a, b) => b.segments.length - a.segments.length);
  return {
    match(pathname) {
      if (all.length === 0) return undefined;
      const segments = urlSegments(pathname);
      return all.find((i) => i.segments.every((s, n) => segments[n] === s))?.interpreter;
    },
    close() {
      for (const i of all) for (const isolate of i.isolates) isolate.close();
    },
  };
}

/**
 * The path's segments as the resolver sees them: empty ones skipped, each percent-decoded
 * (undecodable ones kept as they are, so they match nothing). `//a/%2E%2E/` is never a way
 * around a prefix into the server's own isolate.
 */
function urlSegments(pathname: string): string[] {
  const out: string[] = [];
  for (const raw of pathname.split("/")) {
    if (raw === "") continue;
    try {
      out.push(decodeURIComponent(raw));
    } catch {
      out.push(raw);
    }
  }
  return out;
}

/**
 * What an isolate may read: its own directory, its uploads, the operator's `read` entries,
 * and the site configuration files above it (`deno.json`, `package.json`: its import map).
 */
function readable(dir: string, uploadDir: string, spec: InterpreterSpec): string[] {
  const configs: string[] = [];
  for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) {
    for (const name of ["deno.json", "deno.jsonc", "package.json"]) configs.push(join(d, name));
  }
  return [dir, uploadDir, ...spec.read, ...configs];
}
