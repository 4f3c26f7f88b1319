// Explicit resource management: `using` and `await using`, disposal order, errors during
// disposal (SuppressedError), DisposableStack, `using` at the top level of a module.
const log: string[] = [];

function resource(name: string, fail = false): Disposable {
  return {
    [Symbol.dispose]() {
      log.push(`dispose ${name}`);
      if (fail) throw new Error(`disposing ${name} failed`);
    },
  };
}

using topLevel = resource("top level");
log.push(`module body holds ${typeof topLevel}`);

function scoped(): void {
  using a = resource("a");
  using b = resource("b");
  using nothing = null;
  log.push(`scoped body ${typeof a} ${typeof b} ${nothing}`);
}

async function asyncScoped(): Promise<void> {
  await using c = {
    async [Symbol.asyncDispose]() {
      await Promise.resolve();
      log.push("async dispose c");
    },
  };
  using d = resource("d");
  log.push(`async body ${typeof c} ${typeof d}`);
}

function failing(): string {
  try {
    using _e = resource("e", true);
    throw new Error("body failed");
  } catch (err) {
    const s = err as SuppressedError;
    return `${s.name}: ${(s.error as Error).message} / ${(s.suppressed as Error).message}`;
  }
}

export async function index() {
  log.length = Math.min(log.length, 2);
  scoped();
  await asyncScoped();
  const suppressed = failing();
  const stack = new DisposableStack();
  stack.defer(() => log.push("deferred 1"));
  stack.use(resource("stacked"));
  stack.defer(() => log.push("deferred 2"));
  stack.dispose();
  for (using item of [resource("loop 1"), resource("loop 2")]) {
    log.push(`loop body ${typeof item}`);
  }
  return { log: [...log], suppressed, stackDisposed: stack.disposed };
}
