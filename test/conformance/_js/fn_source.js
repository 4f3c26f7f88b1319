// deno-fmt-ignore-file -- the spacing and parentheses are what is tested
export function add(left, right) {
  return left   +   right; // spacing kept
}
export const arrow = async (x) => await Promise.resolve(x).then((m) => m + 1);
