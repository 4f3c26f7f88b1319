// deno-lint-ignore-file no-import-prefix -- full specifiers are the point of this file
// modts's third-party code, by full specifier and in this one file. Nothing in src/ uses a
// bare import-map name: the server's modules (and mod.ts, which users reach by path) must
// resolve under whatever deno.json is in force — a site's, a script's, or none.
export { getMimeType } from "npm:hono@4.13.19/utils/mime";
export {
  parse as parseCookies,
  parseSigned as parseSignedCookies,
  serialize as serializeCookie,
  serializeSigned as serializeSignedCookie,
} from "npm:hono@4.13.19/utils/cookie";
export { Eta } from "npm:eta@4.6.0";
export { originalPositionFor, TraceMap } from "npm:@jridgewell/trace-mapping@0.3.31";
export {
  parse as parseJsonc,
  type ParseError as JsoncParseError,
  printParseErrorCode,
} from "npm:jsonc-parser@3.3.1";
// @deno-types="npm:@types/busboy@1.5.5"
export { default as busboy } from "npm:busboy@1.6.0";

// Loaded on first use: a site without modules, pages or JSX never pays for them.

/** TypeScript parser for parameter types and `private` members (publisher). */
export const loadBabelParser = () => import("npm:@babel/parser@8.1.2");
/** Finds import statements and `import()` calls in JavaScript (module loader). */
export const loadModuleLexer = () => import("npm:es-module-lexer@3.0.5");
/** The Redis client, for sessions in Redis (`--kv redis://…`). */
export const loadIoredis = () => import("npm:ioredis@5.8.2");
export type { Redis } from "npm:ioredis@5.8.2";
/** The OpenTelemetry API, when Deno's telemetry is on (`OTEL_DENO=true`). */
export const loadOpenTelemetry = () => import("npm:@opentelemetry/api@1.9.0");
export type { Attributes, Span, Tracer } from "npm:@opentelemetry/api@1.9.0";
/** swc compiled to WebAssembly: JSX and decorators, which Deno's own type stripper leaves. */
export const loadSwc = () => import("npm:@swc/wasm@1.16.21");
export type { Options as SwcOptions } from "npm:@swc/wasm@1.16.21";

/** The versions above that `modts version` reports (test/deps_test.ts keeps them in step). */
export const VERSIONS = { hono: "4.13.19", eta: "4.6.0" } as const;
