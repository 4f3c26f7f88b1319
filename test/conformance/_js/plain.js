// deno-fmt-ignore-file -- the spacing and parentheses are what is tested
// Plain JavaScript: parsed as JavaScript, where `a < b > (c)` is two comparisons, not a call
// with a type argument.
export function comparisons() {
  const a = 1, b = 2, c = 0;
  return a < b > (c);
}

export function conditionalArrow(flag) {
  const x = 1;
  const f = flag ? (x) : (y) => y;
  return typeof f;
}

export function source(left, right) {
  return left   +   right; // spacing kept
}

export const meta = { url: import.meta.url, resolve: import.meta.resolve("./other.js") };

export async function dynamic() {
  return (await import("./module.mjs")).fromMjs;
}
