export const a = "a";
export const shared = "shared from a";
export function fa(): string {
  return "fa";
}
export default "default of a";
