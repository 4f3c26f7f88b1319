// One of `--workers N`: a whole server (site and listener) in its own isolate, sharing the port
// with its siblings. It answers the supervisor's pings and stops when told (workers.ts).
/// <reference lib="deno.worker" />
import type { ServerConfig } from "../config/options.ts";
import { startServer } from "./server.ts";
import type { FromWorker, ToWorker } from "./workers.ts";

const send = (message: FromWorker) => self.postMessage(message);
let stop: (() => Promise<void>) | undefined;

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === "ping") return send({ type: "pong" });
  if (message.type === "stop") {
    await stop?.();
    return send({ type: "stopped" });
  }
  try {
    const server = await startServer(message.config satisfies ServerConfig, { reusePort: true });
    stop = server.shutdown;
    send({ type: "ready", url: server.url, port: server.port });
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    send({ type: "failed", name: error.name, message: error.message });
  }
};
