// Types before the error, and an import of a name that is only a type (not marked `type`):
// TypeScript elides it, and positions must hold all the same.
// deno-lint-ignore verbatim-module-syntax -- the elision of this import is what is tested
import { Unused } from "./types.ts";

export interface Local extends Unused {
  a: string;
  b: number;
}
const Level = { Low: 0, High: 1 } as const;

export function helperError(level: number = Level.High, _shape?: Local): Error {
  const error: Error = new Error(`helper ${level}`);
  return error;
}
export const helperUrl = import.meta.url;
