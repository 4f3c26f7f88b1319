// Errors user code lets escape every request: a promise rejected with nobody awaiting it (one
// forgotten `await`), a throw inside a timer callback. Deno ends the process on them, as Node
// does; a server hosting other people's code must not, so they are handled here, once for the
// process: logged by the site whose module is on the stack, naming that module.

/** What a running server registers: its root, its log, and its stack mapping. */
export interface ErrorSink {
  root: string;
  log(message: string): void;
  /** User modules' frames at their own lines (src/modules/module_positions.ts). */
  mapStack(stack: string): string;
}

const sinks = new Set<ErrorSink>();

/** `/dir/file.ts:12`: the first frame of a module under `root`, as a URL path and line. */
function userFrame(stack: string, root: string): string | undefined {
  const at = stack.indexOf(`file://${root}/`);
  if (at === -1) return undefined;
  const frame = /^file:\/\/(.+?):(\d+):\d+\)?\s*$/.exec(stack.slice(at).split("\n", 1)[0]);
  return frame ? `${decodeURI(frame[1]).slice(root.length)}:${frame[2]}` : undefined;
}

function report(kind: string, error: unknown): void {
  const raw = error instanceof Error ? error.stack ?? String(error) : String(error);
  for (const sink of sinks) {
    const stack = sink.mapStack(raw);
    const where = userFrame(stack, sink.root);
    if (where !== undefined) return sink.log(`${kind} in ${where}: ${stack}`);
  }
  for (const sink of sinks) sink.log(`${kind} (no module of the site on its stack): ${raw}`);
}

function onRejection(event: PromiseRejectionEvent): void {
  event.preventDefault();
  report("unhandled rejection", event.reason);
}

function onError(event: ErrorEvent): void {
  event.preventDefault();
  report("uncaught exception", event.error ?? event.message);
}

/** Keeps the process serving through `sink`'s escaped errors; returns the undo. */
export function keepServing(sink: ErrorSink): () => void {
  if (sinks.size === 0) {
    globalThis.addEventListener("unhandledrejection", onRejection);
    globalThis.addEventListener("error", onError);
  }
  sinks.add(sink);
  return () => {
    sinks.delete(sink);
    if (sinks.size === 0) {
      globalThis.removeEventListener("unhandledrejection", onRejection);
      globalThis.removeEventListener("error", onError);
    }
  };
}
