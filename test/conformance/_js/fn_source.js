export function add(left, right) {
  return left   +   right; // spacing kept
}
export const arrow = async (x) => await import("./module.mjs").then((m) => m.fromMjs + x);
