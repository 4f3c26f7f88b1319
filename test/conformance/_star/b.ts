export const b = "b";
export const shared = "shared from b";
export let c = 1;
export type OnlyType = string;
export function bumpC(): number {
  return ++c;
}
