// An interpreter's isolate in a process of its own, for an interpreter with a `memory` limit
// (V8's heap limit is per process). Batches come on stdin and go out on stdout (frames.ts);
// what the site's code prints goes to stderr, so that it cannot mix with them — and a process
// that writes to stdout anyway only garbles its own frames: the server replaces it.
import { frame, frames } from "./frames.ts";
import { serveIsolate } from "./isolate_site.ts";
import type { ToIsolate } from "./protocol.ts";

console.log = console.info = console.debug = console.error;
const out = Deno.stdout.writable.getWriter();
serveIsolate({
  send: (batch) => void out.write(frame(batch)).catch(() => Deno.exit(1)),
  onReceive: (handler) =>
    void (async () => {
      for await (const batch of frames<ToIsolate[]>(Deno.stdin.readable)) handler(batch);
      Deno.exit(0); // the server has gone
    })(),
});
