export let count = 0;
export let label = "start";
export let late: string | undefined;
// deno-lint-ignore no-var -- a `var` binding is one of the kinds tested
export var viaVar = "var";
export let fn = (): string => "first";

export function increment(): number {
  count += 1;
  return count;
}

export function relabel(next: string): void {
  label = next;
  late = `late ${next}`;
  viaVar = `var ${next}`;
  fn = () => "replaced";
}
