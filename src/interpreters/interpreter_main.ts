// An interpreter's isolate in a Worker of the server's process (isolate_site.ts has the rest).
// The Worker's permissions are the interpreter's.
/// <reference lib="deno.worker" />
import { serveIsolate } from "./isolate_site.ts";
import type { ToIsolate } from "./protocol.ts";

const { send, flush } = serveIsolate({
  send: (batch) => self.postMessage(batch),
  onReceive: (handler) => self.onmessage = (e: MessageEvent<ToIsolate[]>) => handler(e.data),
});

// `Deno.exit()` and `close()` end a Worker without a word to its parent: say it first.
const exit = Deno.exit;
Object.defineProperty(Deno, "exit", {
  value: (code?: number) => {
    send({ type: "exit" });
    flush();
    return exit(code);
  },
});
const close = self.close.bind(self);
self.close = () => {
  send({ type: "exit" });
  flush();
  close();
};
