// The same bindings as a.ts by another path: not ambiguous when starred twice.
export * from "./a.ts";
