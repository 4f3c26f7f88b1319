export * from "./star_a.ts";
export const fromStarB = "B";
