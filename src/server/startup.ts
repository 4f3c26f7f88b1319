// `_startup.ts` in a site's root — mod_python's PythonImport, and register_cleanup at server
// level: its default export runs once per worker, before the first request, and the function it
// returns (if any) runs at shutdown. A startup that fails is logged and the site answers 503
// until it is fixed: an edit of the file (or of what it imports) runs it again.
import { join } from "node:path";
import type { LoadedModule, ModuleLoader } from "../modules/loader.ts";

export const STARTUP_FILE = "_startup.ts";

export class Startup {
  #file: string;
  /** Whether the site may answer. */
  ok = true;
  /** The version that ran, successfully or not: it is not run twice. */
  #ran?: LoadedModule;
  #shutdown?: () => unknown;
  #retrying?: Promise<boolean>;
  /** The last failure logged: a failure the loader keeps is thrown again, and logged once. */
  #logged?: unknown;

  constructor(
    root: string,
    private modules: ModuleLoader,
    private log: (message: string) => void,
  ) {
    this.#file = join(root, STARTUP_FILE);
  }

  /** Runs the site's startup, if it has one. */
  async run(): Promise<void> {
    const exists = await Deno.stat(this.#file).then((s) => s.isFile, () => false);
    if (exists) this.ok = await this.#attempt();
  }

  /** While failed: runs a new version of the file if there is one; whether the site may answer. */
  retry(): Promise<boolean> {
    return this.#retrying ??= this.#attempt().then((ok) => {
      this.ok = ok;
      this.#retrying = undefined;
      return ok;
    });
  }

  async #attempt(): Promise<boolean> {
    let version: LoadedModule;
    try {
      version = await this.modules.load(this.#file);
    } catch (e) {
      this.#failed(e);
      return false;
    }
    if (version === this.#ran) return false; // this version failed already
    this.#ran = version;
    try {
      const start = version.exports.default;
      if (typeof start !== "function") {
        throw new TypeError("its default export must be a function");
      }
      const shutdown = await start();
      if (typeof shutdown === "function") this.#shutdown = shutdown as () => unknown;
      return true;
    } catch (e) {
      this.#failed(e);
      return false;
    }
  }

  #failed(e: unknown): void {
    if (e === this.#logged) return;
    this.#logged = e;
    this.log(
      `${STARTUP_FILE} failed; the site answers 503 until it is fixed: ` +
        `${e instanceof Error ? e.stack : e}`,
    );
  }

  /** Runs what the startup returned: the server is stopping. */
  async stop(): Promise<void> {
    try {
      await this.#shutdown?.();
    } catch (e) {
      this.log(
        `the shutdown function of ${STARTUP_FILE} failed: ${e instanceof Error ? e.stack : e}`,
      );
    }
  }
}
