export const a = "a";
const hidden = "hidden";
export { hidden as "string-name", hidden as shown };
export default function namedDefault(): string {
  return "default fn";
}
export function original(): string {
  return "original";
}
