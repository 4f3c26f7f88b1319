export const x = 1;
export function f(): string {
  return "f";
}
export default class Inner {}
export let counter = 0;
export function bump(): void {
  counter++;
}
