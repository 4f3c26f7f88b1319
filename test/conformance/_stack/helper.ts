// Types and an enum before the error, so that a transform that moves code shows.
export interface Unused {
  a: string;
  b: number;
}
enum Level {
  Low,
  High,
}

export function helperError(level: Level = Level.High): Error {
  const error: Error = new Error(`helper ${level}`);
  return error;
}
export const helperUrl = import.meta.url;
