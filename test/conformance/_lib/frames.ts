// Helpers of the fixtures: stack frames that lie in one file (as `function@line:col`), and
// outcomes of calls that may throw.

/** The frames of `error.stack` in the file at `url`, innermost first. */
export function framesIn(error: Error, url: string): string[] {
  const frames: string[] = [];
  for (const line of String(error.stack).split("\n").slice(1)) {
    const m = /^\s*at (?:(.*?) \()?(.+):(\d+):(\d+)\)?$/.exec(line);
    if (m && m[2] === url) frames.push(`${m[1] ?? "<top>"}@${m[3]}:${m[4]}`);
  }
  return frames;
}

/** `error.stack`'s first frame in the file at `url`, or null. */
export function topFrame(error: Error, url: string): string | null {
  return framesIn(error, url)[0] ?? null;
}

/** What calling `fn` ends in: its value, or the name and message of what it threw. */
export function outcome<T>(fn: () => T): { value: T } | { threw: string } {
  try {
    return { value: fn() };
  } catch (e) {
    return { threw: describe(e) };
  }
}

export function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : `non-error: ${String(e)}`;
}
