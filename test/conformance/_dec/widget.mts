// TC39 decorators (not TypeScript's legacy ones): on classes, methods, fields, accessors,
// getters, statics and #private members; the order they run in; addInitializer. In a .mts
// file, which the publisher does not parse (see decorators_inline.ts for a .ts one).
import { topFrame } from "../_lib/frames.ts";

const log: string[] = [];

function describeContext(context: DecoratorContext): string {
  const where = "static" in context
    ? `${context.static ? "static " : ""}${context.private ? "private " : ""}`
    : "";
  return `${context.kind} ${where}${String(context.name)}`;
}

function tracked(name: string) {
  log.push(`evaluate ${name}`);
  return function <T>(value: T, context: DecoratorContext): T | void {
    log.push(`apply ${name} to ${describeContext(context)}`);
    context.addInitializer(function () {
      log.push(`initializer of ${name}`);
    });
    if (context.kind === "method") {
      const method = value as unknown as (...args: unknown[]) => unknown;
      return function (this: unknown, ...args: unknown[]) {
        log.push(`call ${String(context.name)}`);
        return method.apply(this, args);
      } as unknown as T;
    }
  };
}

function doubled(_: undefined, context: ClassFieldDecoratorContext) {
  log.push(`apply doubled to ${describeContext(context)}`);
  return (initial: number) => initial * 2;
}

function clamped<This>(
  target: ClassAccessorDecoratorTarget<This, number>,
  context: ClassAccessorDecoratorContext<This, number>,
): ClassAccessorDecoratorResult<This, number> {
  log.push(`apply clamped to ${describeContext(context)}`);
  return {
    get(this: This) {
      return target.get.call(this);
    },
    set(this: This, v: number) {
      target.set.call(this, Math.min(v, 10));
    },
    init: (v: number) => Math.min(v, 10),
  };
}

// deno-lint-ignore no-explicit-any -- TypeScript's rule for a mixin's base
function withStamp<T extends new (...args: any[]) => object>(
  cls: T,
  context: ClassDecoratorContext<T>,
) {
  log.push(`apply withStamp to ${describeContext(context)}`);
  return class extends cls {
    stamp = "stamped";
  };
}

let errorInDecorated: Error | undefined;

@withStamp
@tracked("class")
class Widget {
  @doubled
  size = 21;

  @clamped
  accessor level = 50;

  @tracked("method")
  greet(name: string): string {
    errorInDecorated = new Error("inside a decorated method");
    return `hi ${name}`;
  }

  @tracked("static")
  static make(): Widget {
    return new Widget();
  }

  @tracked("private")
  #secret(): string {
    return "secret";
  }

  @tracked("getter")
  get shown(): string {
    return this.#secret();
  }
}

export function observe() {
  const widget = Widget.make() as Widget & { stamp: string };
  const greeting = widget.greet("you");
  widget.level = 99;
  return {
    log: [...log],
    size: widget.size,
    level: widget.level,
    greeting,
    shown: widget.shown,
    className: Widget.name,
    // Not compared (docs/publisher.md): where the error's frame is (swc's code, not the
    // source's), and `stamp`, which Deno's swc and @swc/wasm build differently.
    frameNamed: topFrame(errorInDecorated!, import.meta.url)?.split("@")[0] ?? null,
  };
}
