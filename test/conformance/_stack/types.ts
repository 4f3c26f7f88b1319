// Only types: an import of them is elided, as TypeScript elides it.
export type Pad = "a" | "b";
export interface Unused {
  x: number;
}
