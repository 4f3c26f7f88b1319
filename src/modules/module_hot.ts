// `import.meta.hot` of one module version (src/api/hot.ts): what it asked to run when it is
// replaced or the server stops, and the data it hands to its successor.
import type { ModuleHot } from "../api/hot.ts";

export class HotContext implements ModuleHot {
  #callbacks: ((data: Record<string, unknown>) => void | Promise<void>)[] = [];

  constructor(readonly data: Record<string, unknown> = {}) {}

  dispose(callback: (data: Record<string, unknown>) => void | Promise<void>): void {
    if (typeof callback !== "function") throw new TypeError("dispose needs a function");
    this.#callbacks.push(callback);
  }

  /** Runs the dispose callbacks, in order, once; a failing one is logged, the rest still run. */
  async run(log: (message: string) => void, file: string): Promise<void> {
    const callbacks = this.#callbacks;
    this.#callbacks = [];
    for (const callback of callbacks) {
      try {
        await callback(this.data);
      } catch (e) {
        log(
          `import.meta.hot.dispose callback of ${file} failed: ${e instanceof Error ? e.stack : e}`,
        );
      }
    }
  }
}
