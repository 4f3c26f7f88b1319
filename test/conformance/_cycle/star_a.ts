export * from "./star_b.ts";
export const fromStarA = "A";
