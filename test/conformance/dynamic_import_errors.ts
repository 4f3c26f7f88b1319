// How a dynamic import fails: always a rejected promise (never a synchronous throw), with the
// error a module threw while it evaluated — the same error on every later import of it. Each
// case has a file of its own: Deno remembers a failed load of a file for every later import.
import { log } from "./_errs/log.ts";

/** How `start()` ended: a synchronous throw, a rejection, or a value. */
async function how(start: () => Promise<unknown>) {
  let promise: Promise<unknown>;
  try {
    promise = start();
  } catch (e) {
    return { threwSynchronously: true, error: String(e) };
  }
  try {
    await promise;
    return { resolved: true };
  } catch (e) {
    return {
      rejected: true,
      isError: e instanceof Error,
    };
  }
}

export async function index() {
  const throwingToString = {
    toString(): string {
      throw new SyntaxError("toString failed");
    },
  };
  const first = await import("./_errs/throws.ts").catch((e: Error) => e);
  const second = await import("./_errs/throws.ts").catch((e: Error) => e);
  const tla1 = await import("./_errs/rejects.ts").catch((e: Error) => e);
  const tla2 = await import("./_errs/rejects.ts").catch((e: Error) => e);
  return {
    missing: await how(() => import("./_errs/missing.ts")),
    throwingToString: await how(() => import(throwingToString as unknown as string)),
    symbol: await how(() => import(Symbol("s") as unknown as string)),
    jsonWithoutType: await how(() => import("./_errs/untyped.json")),
    unknownType: await how(() => import("./_errs/css.json", { with: { type: "css" } })),
    jsonTypeOnTs: await how(() => import("./_errs/not_json.ts", { with: { type: "json" } })),
    // @ts-expect-error -- the options must be an object
    numberOptions: await how(() => import("./_errs/number_options.ts", 5)),
    // @ts-expect-error -- `with` must be an object
    stringWith: await how(() => import("./_errs/string_with.ts", { with: "json" })),
    unmapped: await how(() => import("not-in-the-import-map")),
    evaluation: {
      name: first instanceof Error ? first.name : null,
      message: first instanceof Error ? first.message : null,
      className: first instanceof Error ? first.constructor.name : null,
      sameErrorAgain: first === second,
    },
    topLevelAwait: {
      name: tla1 instanceof Error ? tla1.name : null,
      message: tla1 instanceof Error ? tla1.message : null,
      isRangeError: tla1 instanceof RangeError,
      sameErrorAgain: tla1 === tla2,
    },
    log: [...log],
  };
}
