/**
 * `f(value)`, at once when `value` is not a promise. The request hot path chains steps with
 * this so that a request whose every step is cached creates no promise: each await cost
 * about a microsecond, a tenth of a small request.
 */
export function then<T, U>(value: T | Promise<T>, f: (v: T) => U | Promise<U>): U | Promise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}
