export * as inner from "./inner.ts";
export * as "string name" from "./inner.ts";
