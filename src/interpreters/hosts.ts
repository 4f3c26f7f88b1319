// What carries an interpreter's isolate: a Worker in the server's process (the default), or a
// process of its own when the interpreter has a memory limit. Either takes batches of messages
// and says when the isolate is gone by itself (an uncaught error, an exit, a crash).
import { fileURLToPath } from "node:url";
import { frame, frames } from "./frames.ts";
import type { FromIsolate, ToIsolate } from "./protocol.ts";

/** What the isolate may do: Deno's own permissions, decided by the operator's config. */
export interface IsolatePermissions {
  read: string[];
  net: string[];
  env: string[];
}

export interface IsolateHost {
  post(batch: ToIsolate[], transfer: ArrayBuffer[]): void;
  /** Ends the isolate at once (a busy loop included); `gone` is not called for it. */
  terminate(): void;
}

export type StartHost = (
  received: (batch: FromIsolate[]) => void,
  gone: (why: string) => void,
) => IsolateHost;

/** A Worker with the permissions (`--unstable-worker-options`). */
export function workerHost(name: string, permissions: IsolatePermissions): StartHost {
  const { read, net, env } = permissions;
  return (received, gone) => {
    const worker = new Worker(new URL("./interpreter_main.ts", import.meta.url), {
      type: "module",
      name,
      deno: {
        permissions: {
          read,
          write: false,
          net: net.length > 0 ? net : false,
          env: env.length > 0 ? env : false,
          run: false,
          ffi: false,
          sys: false,
          import: false,
        },
      },
    } as WorkerOptions);
    worker.onmessage = (e: MessageEvent<FromIsolate[]>) => received(e.data);
    // Uncaught errors and unhandled rejections in the isolate: never the server's.
    worker.onerror = (e) => {
      e.preventDefault();
      gone(`failed: ${e.message}`);
    };
    return {
      post: (batch, transfer) => worker.postMessage(batch, transfer),
      terminate: () => worker.terminate(),
    };
  };
}

/**
 * A `deno run` of interpreter_process.ts with the permissions as flags and V8's heap limit:
 * running out of memory ends that process, not the server. (It needs the `deno` binary: a
 * `deno compile`d modts cannot start scripts.)
 */
export function processHost(permissions: IsolatePermissions, memoryMb: number): StartHost {
  const { read, net, env } = permissions;
  const args = [
    "run",
    "--no-config",
    "--no-lock",
    "--no-prompt",
    `--v8-flags=--max-old-space-size=${memoryMb},--no-compilation-cache`,
    `--allow-read=${read.join(",")}`,
    ...(net.length > 0 ? [`--allow-net=${net.join(",")}`] : []),
    ...(env.length > 0 ? [`--allow-env=${env.join(",")}`] : []),
    fileURLToPath(new URL("./interpreter_process.ts", import.meta.url)),
  ];
  return (received, gone) => {
    const child = new Deno.Command(Deno.execPath(), {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    let ended = false;
    const input = child.stdin.getWriter();
    (async () => {
      for await (const batch of frames<FromIsolate[]>(child.stdout)) received(batch);
    })().catch((e) => {
      if (!ended) gone(`sent what is not a message (${e})`);
    });
    child.status.then((status) => {
      if (ended) return;
      ended = true;
      gone(status.signal ? `ended by ${status.signal}` : `exited with ${status.code}`);
    });
    return {
      post: (batch) => void input.write(frame(batch)).catch(() => {}),
      terminate: () => {
        if (ended) return;
        ended = true;
        try {
          child.kill("SIGKILL");
        } catch { /* gone already */ }
      },
    };
  };
}
