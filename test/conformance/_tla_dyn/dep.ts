export const marker = { name: "dep marker" };
export function hello(): string {
  return "hello from dep";
}
