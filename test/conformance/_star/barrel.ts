export * from "./a.ts";
// @ts-expect-error -- TS2308: `shared` is in both; ES leaves an ambiguous star name out.
export * from "./b.ts";
export * from "./a_again.ts";
export const own = "own";
// A local export wins over a starred one of the same name.
export const b = "barrel's own b";
