// Time limits for many requests on one timer. Deno's timers are Node's (an object, a list and
// an op each): setting and clearing one per request was a seventh of an interpreter's request
// on the server's side, measured, where a Set entry costs next to nothing. The timer runs only
// while a deadline is pending and looks every TICK_MS, so a deadline fires up to that late —
// nothing here needs it sooner (request time limits are in seconds).

const TICK_MS = 50;

export interface Deadline {
  /** Withdraws it (nothing happens if it has fired already). */
  cancel(): void;
}

interface Pending extends Deadline {
  at: number;
  expired: () => void;
}

const pending = new Set<Pending>();
let timer: ReturnType<typeof setInterval> | undefined;

/** Calls `expired` once `ms` milliseconds have passed, unless cancelled first. */
export function deadline(ms: number, expired: () => void): Deadline {
  const entry: Pending = {
    at: performance.now() + ms,
    expired,
    cancel: () => void pending.delete(entry),
  };
  pending.add(entry);
  timer ??= setInterval(tick, TICK_MS);
  return entry;
}

function tick(): void {
  const now = performance.now();
  for (const entry of pending) {
    if (entry.at > now) continue;
    pending.delete(entry);
    entry.expired();
  }
  if (pending.size === 0) {
    clearInterval(timer);
    timer = undefined;
  }
}
