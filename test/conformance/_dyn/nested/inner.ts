// Its own `import()` is relative to this file, not to the fixture.
export async function sharedFromHere(): Promise<unknown> {
  return await import("../shared.ts");
}
export const here = import.meta.resolve("../shared.ts");
