export let count = 0;
export let label = "start";
export let late: string | undefined;
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
