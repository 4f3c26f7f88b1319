// Shared test fixtures: temporary document roots, the real server in-process on port 0, the
// real CLI in a subprocess, and raw HTTP for request targets that fetch() would normalise.
import { dirname, join } from "node:path";
import { DEFAULTS, type InterpreterSpec, type ServerConfig } from "../src/config/options.ts";
import type { HandlerRegistry } from "../src/dispatch/registry.ts";
import { type RunningServer, startServer } from "../src/server/server.ts";

export const PROJECT = join(import.meta.dirname!, "..");
export const MAIN = join(PROJECT, "main.ts");

/** A temporary directory holding `files` (path → content); returns its path. */
export async function tempTree(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "modts-test-" });
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    await Deno.mkdir(dirname(path), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
  }
  return dir;
}

/** An interpreter's options (src/config/interpreters.ts), defaults where not given. */
export function interpreterSpec(options: Partial<InterpreterSpec> = {}): InterpreterSpec {
  return { read: [], net: [], env: [], timeout: null, workers: 1, memory: null, ...options };
}

export interface TestServer extends RunningServer {
  logs: string[];
  dataDir: string;
  /** GET (or any method) on a path of this server. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The real server, in this process, on 127.0.0.1 and a free port. */
export async function serveRoot(
  root: string,
  overrides: Partial<ServerConfig> = {},
  registry?: HandlerRegistry,
): Promise<TestServer> {
  const ownDataDir = overrides.dataDir === undefined;
  const dataDir = overrides.dataDir ?? await Deno.makeTempDir({ prefix: "modts-data-" });
  const logs: string[] = [];
  const config: ServerConfig = {
    ...DEFAULTS,
    root,
    port: 0,
    kv: ":memory:",
    dataDir,
    ...overrides,
  };
  const server = await startServer(config, { registry, log: (m) => logs.push(m) });
  return {
    ...server,
    logs,
    dataDir,
    fetch: (path, init) => fetch(new URL(path, server.url), init),
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      if (ownDataDir) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/** The debug page's error as the log says it: `file:line[:col]: message` (escaped). */
export function locatedError(page: string): string {
  const message = /<p class="message">([^<]*)<\/p>/.exec(page)?.[1];
  const at = /<p>at <code>([^<]*)<\/code><\/p>/.exec(page)?.[1];
  return `${at}: ${message}`;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `target` byte for byte in an HTTP/1.1 request line (no client-side normalising). */
export async function rawRequest(
  port: number,
  target: string,
  method = "GET",
): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const req = `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
  await conn.write(new TextEncoder().encode(req));
  return await readRawResponse(conn);
}

/**
 * Reads one response from `conn` and closes it (unless `keepOpen`): up to Content-Length or
 * the last chunk, not up to EOF (a server that refused a body it did not read may keep the
 * socket open).
 */
export async function readRawResponse(conn: Deno.Conn, keepOpen = false): Promise<RawResponse> {
  const dec = new TextDecoder();
  const buf = new Uint8Array(64 * 1024);
  let text = "";
  try {
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      text += dec.decode(buf.subarray(0, n), { stream: true });
      const split = text.indexOf("\r\n\r\n");
      if (split === -1) continue;
      const head = text.slice(0, split).toLowerCase();
      const length = /\r\ncontent-length: *(\d+)/.exec(head);
      const bodyBytes = new TextEncoder().encode(text.slice(split + 4)).length;
      if (length && bodyBytes >= Number(length[1])) break;
      if (head.includes("transfer-encoding: chunked") && text.endsWith("\r\n0\r\n\r\n")) break;
    }
  } finally {
    if (!keepOpen) conn.close();
  }
  return parseRawResponse(text);
}

/** Splits a raw HTTP/1.1 response into status, headers and (de-chunked) body. */
export function parseRawResponse(text: string): RawResponse {
  const split = text.indexOf("\r\n\r\n");
  const [statusLine, ...lines] = text.slice(0, split).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(":");
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = text.slice(split + 4);
  if (headers["transfer-encoding"] === "chunked") {
    let out = "";
    for (let at = 0;;) {
      const eol = body.indexOf("\r\n", at);
      const size = parseInt(body.slice(at, eol), 16);
      if (!size) break;
      out += body.slice(eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
    body = out;
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// As the deno.json tasks run it (see src/modules/loader.ts for the V8 flag; --no-lock: serving
// a site that imports npm: packages must not rewrite modts's deno.lock).
const PERMS = [
  "--no-lock",
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-env",
  "--allow-sys",
  "--allow-run",
  "--v8-flags=--no-compilation-cache",
];

/**
 * Runs `main.ts ARGS` to completion, in `cwd`, with `perms` (deno run's flags; by default the
 * tasks' own).
 */
export async function runCli(
  args: string[],
  { cwd = PROJECT, perms = PERMS }: { cwd?: string; perms?: string[] } = {},
): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...perms, MAIN, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

export interface ServerProcess {
  url: string;
  port: number;
  child: Deno.ChildProcess;
  /** Everything printed so far on stdout and stderr. */
  output(): string;
  /** Resolves with the output once it matches `pattern` (at once if it already does). */
  waitFor(pattern: RegExp): Promise<string>;
  /** Resolves with the exit status. */
  status: Promise<Deno.CommandStatus>;
  /** SIGTERM, then waits; returns the exit code. */
  stop(): Promise<number>;
}

/**
 * `main.ts serve ARGS` in a subprocess; resolves when it prints its ready line. With `fdLimit`
 * the process may open that many descriptors at most (`ulimit -n`).
 */
export function spawnServer(
  args: string[],
  cwd = PROJECT,
  fdLimit?: number,
  env?: Record<string, string>,
): Promise<ServerProcess> {
  return spawnReady(["run", ...PERMS, MAIN, "serve", ...args], cwd, fdLimit, env);
}

/** `deno task ARGS` in `cwd` (a task that starts a server); resolves when it is ready. */
export function spawnTask(cwd: string, args: string[]): Promise<ServerProcess> {
  return spawnReady(["task", ...args], cwd);
}

async function spawnReady(
  args: string[],
  cwd: string,
  fdLimit?: number,
  env?: Record<string, string>,
): Promise<ServerProcess> {
  const command = fdLimit === undefined ? { program: Deno.execPath(), args } : {
    program: "sh",
    args: ["-c", `ulimit -n ${fdLimit} && exec "$@"`, "sh", Deno.execPath(), ...args],
  };
  const child = new Deno.Command(command.program, {
    args: command.args,
    env,
    cwd,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  let text = "";
  const ready = Promise.withResolvers<string>();
  const waiters = new Set<{ pattern: RegExp; resolve: (text: string) => void }>();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      const m = /https?:\/\/[^\s]+\/|unix:\S+/.exec(text);
      if (m) ready.resolve(m[0]);
      for (const w of waiters) {
        if (w.pattern.test(text)) {
          waiters.delete(w);
          w.resolve(text);
        }
      }
    }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = child.status.then(async (s) => {
    await pumps;
    ready.reject(new Error(`server exited (${s.code}) before it was ready:\n${text}`));
    return s;
  });
  const url = await ready.promise;
  return {
    url,
    port: Number(new URL(url).port),
    child,
    output: () => text,
    waitFor: (pattern) =>
      pattern.test(text) ? Promise.resolve(text) : new Promise((resolve, reject) => {
        waiters.add({ pattern, resolve });
        status.then(() => reject(new Error(`exited before printing ${pattern}:\n${text}`)));
      }),
    status,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      return (await status).code;
    },
  };
}

/** Peak resident memory (VmHWM) of a process, in bytes. */
export async function peakRss(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/** A publisher `index` that counts in its session (`s.data.n`) and answers the new count. */
export const SESSION_COUNTER = `export async function index(req: Req) {
  const s = await req.session();
  s.data.n = ((s.data.n as number) ?? 0) + 1;
  return String(s.data.n);
}`;
