export const state = { hits: 0 };
export const identity = Symbol("shared.ts instance");
