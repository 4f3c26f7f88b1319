// The typed client's types: a module's type (`typeof import("./calc.ts")`) mapped to what a
// caller sees. Published functions keep their own parameters (names, order, optionality),
// minus those the server fills; results become what comes back over the wire. The same
// rules as the publisher decide what appears: no `_` names, no classes, no plain values;
// TypeScript's own `keyof` already leaves out `private` and `protected` members.
import type { Form, Req, Upload } from "../api/request.ts";

// deno-lint-ignore no-explicit-any -- any function, whatever it takes
type AnyFunction = (...args: any[]) => any;

type IsAny<T> = 0 extends 1 & T ? true : false;

/** Parameters the server fills: `req: Req` and `form: Form`. */
type ServerFilled<T> = IsAny<T> extends true ? false
  : [NonNullable<T>] extends [Req] ? true
  : [NonNullable<T>] extends [Form] ? true
  : false;

type HasServerFilled<P extends unknown[]> = true extends
  { [K in keyof P]: ServerFilled<P[K]> }[number] ? true : false;

/**
 * `P` without the server's parameters. A tuple without any is returned as it is, so the
 * parameters keep their names in the editor (so do those after a leading `req`).
 */
type WithoutServerFilled<P extends unknown[]> = HasServerFilled<P> extends false ? P
  : P extends [infer H, ...infer T]
    ? ServerFilled<H> extends true ? WithoutServerFilled<T> : [H, ...WithoutServerFilled<T>]
  : P extends [(infer H)?, ...infer T]
    ? ServerFilled<H> extends true ? WithoutServerFilled<T> : [H?, ...WithoutServerFilled<T>]
  : P;

/** What a caller passes for a parameter: a `Blob`/`File` where the function takes an upload. */
type Sent<T> = T extends Upload ? Blob : T extends readonly Upload[] ? Blob[] : T;

/** Mapped over a type parameter, so that tuples stay tuples (with names and `?`). */
type SentEach<P extends unknown[]> = { [K in keyof P]: Sent<P[K]> };

type CallerParameters<P extends unknown[]> = SentEach<WithoutServerFilled<P>>;

/** Results the client hands over as the `Response` itself: bytes, streams, HTML from JSX. */
type Raw =
  | Response
  | ReadableStream
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | AsyncIterable<unknown>
  | { tag: unknown; props: unknown }
  | { isEscaped: true };

/** A value as JSON gives it back. */
type Received<T> = T extends string | number | boolean | null ? T
  : T extends undefined ? undefined
  : T extends bigint ? number
  : T extends Raw ? Response
  : T extends readonly (infer E)[] ? Received<E>[]
  : T extends Iterable<unknown> ? Response
  : T extends { toJSON(): infer J } ? J
  : T extends AnyFunction ? never
  : T extends object ? { [K in keyof T as T[K] extends AnyFunction ? never : K]: Received<T[K]> }
  : unknown;

/** A function's result as the client returns it. */
type Result<R> = IsAny<R> extends true ? unknown
  : [R] extends [void] ? undefined
  : Received<R>;

/** One published function, as a method of the client. */
export type Method<F extends AnyFunction> = (
  ...args: CallerParameters<Parameters<F>>
) => Promise<Result<Awaited<ReturnType<F>>>>;

type Constructor = abstract new (...args: never) => unknown;

/** Names a URL can reach and that lead to functions (or objects of them). */
type PublishedKey<T, K extends keyof T> = K extends `_${string}` ? never
  : K extends string ? T[K] extends Constructor ? never
    : T[K] extends AnyFunction ? K
    : T[K] extends readonly unknown[] ? never
    : T[K] extends object ? K
    : never
  : never;

/** What a caller sees of an export or a member: a method, an object of them, or both. */
type Published<T> = T extends AnyFunction ? Method<T> & Client<T>
  : Client<T>;

/**
 * The client of a module `M` (`typeof import("./calc.ts")`): every function the publisher
 * would call, at the same path, as a method; nested exported objects as properties.
 */
export type Client<M> = { [K in keyof M as PublishedKey<M, K>]: Published<M[K]> };
