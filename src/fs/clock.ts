// The time for TTL checks, to within 20 ms. `Date.now()` costs about 80 ns in Deno, and the
// cached steps of one request asked it three times: 5% of a small publisher call. While there
// are requests, one timer-bounded reading serves them all; when idle, nothing runs.
const PRECISION_MS = 20;

let now = 0;
let fresh = false;

function expire(): void {
  fresh = false;
}

/** Milliseconds since the epoch, at most PRECISION_MS old. */
export function coarseNow(): number {
  if (!fresh) {
    now = Date.now();
    fresh = true;
    Deno.unrefTimer(setTimeout(expire, PRECISION_MS));
  }
  return now;
}
