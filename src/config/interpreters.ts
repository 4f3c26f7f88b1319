// `interpreters` in the config file: URL-path prefixes whose code runs in isolates of its own,
// with narrowed permissions and a time limit (docs/interpreters.md). Only the operator's config
// file declares them, never the hosted code.
import { isAbsolute, join } from "node:path";
import { type InterpreterSpec, UsageError } from "./options.ts";

const OPTION_NAMES = ["read", "net", "env", "timeout", "workers", "memory"];

/** A prefix of the site's URL space: `/`, or `/name/…/` with no empty, `.` or `..` segment. */
const PREFIX = /^\/(?:[^/.][^/]*\/)*$/;

/**
 * Checks `interpreters` (prefix → options); relative `read` paths are relative to `base`.
 * Each mistake is one line naming the entry.
 */
export function checkInterpreters(
  data: unknown,
  where: string,
  base: string,
): Record<string, InterpreterSpec> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError(`${where}: "interpreters" must map URL prefixes to options`);
  }
  const out: Record<string, InterpreterSpec> = {};
  for (const [prefix, options] of Object.entries(data)) {
    out[prefix] = checkInterpreter(options, `${where}: interpreters["${prefix}"]`, base, prefix);
  }
  return out;
}

/** One interpreter's options; `prefix` "/" for a site's `interpreter`. */
export function checkInterpreter(
  data: unknown,
  where: string,
  base: string,
  prefix = "/",
): InterpreterSpec {
  if (!PREFIX.test(prefix)) {
    throw new UsageError(`${where}: a URL path that starts and ends with "/", e.g. "/tenant-a/"`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError(`${where}: expected an object of options`);
  }
  const o = data as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new UsageError(`${where}: unknown option "${key}" (known: ${OPTION_NAMES.join(", ")})`);
    }
  }
  const list = (key: string): string[] => {
    const value = o[key] ?? [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v === "")) {
      throw new UsageError(`${where}: "${key}" must be a list of strings`);
    }
    return value as string[];
  };
  const number = (key: string, min: number): number | undefined => {
    const value = o[key];
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
      throw new UsageError(`${where}: "${key}" must be a number of at least ${min}`);
    }
    return value;
  };
  const workers = number("workers", 1) ?? 1;
  if (!Number.isInteger(workers)) {
    throw new UsageError(`${where}: "workers" must be a whole number`);
  }
  return {
    read: list("read").map((p) => isAbsolute(p) ? p : join(base, p)),
    net: list("net"),
    env: list("env"),
    timeout: number("timeout", 0.001) ?? null,
    workers,
    // V8's heap limit is per process in Deno: such an interpreter runs in processes of its own.
    memory: number("memory", 16) ?? null,
  };
}
