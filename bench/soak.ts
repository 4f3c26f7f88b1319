// `deno task soak`: one modts server under a steady mix of publisher, page, static and session
// requests (wrk, bench/lua/soak_mix.lua) while this process sends bad multipart bodies and holds
// idle sockets open; reports errors, latency, and the server's RSS and fds over the run. Exits 1
// on any error or when RSS grows more than 15% after warm-up. Settings from the environment:
// SOAK_SECONDS (default 60), WARMUP (s, min(15, half the run): the heap settles in ~15 s),
// CONNS (32), THREADS (2), IDLE_SOCKETS (100), SESSIONS (64), PIN=1 (server on CPU 1, wrk with
// one thread on CPU 0).
import { join } from "node:path";
import { ensureWrk, runWrk } from "./wrk.ts";

const ROOT = join(import.meta.dirname!, "..");
const env = (name: string, fallback: number) => Number(Deno.env.get(name) ?? fallback);
const SECONDS = env("SOAK_SECONDS", 60);
const WARMUP = env("WARMUP", Math.min(15, SECONDS / 2));
const CONNS = env("CONNS", 32);
const THREADS = env("THREADS", 2);
const IDLE_SOCKETS = env("IDLE_SOCKETS", 100);
const SESSIONS = env("SESSIONS", 64);
const PIN = Deno.env.get("PIN") === "1";
const MAX_GROWTH = 15; // % of RSS after warm-up
const SAMPLE_EVERY = 5; // s

// The four kinds of request, each with a body soak_mix.lua recognises.
const SITE: Record<string, string> = {
  "hello.ts": 'export function say(what = "world") {\n  return `Hello, ${what}!`;\n}\n',
  "page.psp": "<!doctype html>\n<title>soak</title>\n" +
    '<% const rows = Array.from({ length: 20 }, (_, i) => `<row ${i}> & "x"`); %>\n' +
    "<ul><% for (const r of rows) { %><li><%= r %></li><% } %></ul>\n",
  "small.txt": "static soak file\n".padEnd(1023, ".") + "\n",
  "counter.ts": 'import type { Req } from "modts";\n\n' +
    "export async function index(req: Req) {\n" +
    "  const s = await req.session();\n" +
    "  s.data.n = (s.data.n as number ?? 0) + 1;\n" +
    "  await s.save();\n" +
    "  return `n=${s.data.n}`;\n}\n",
};

interface Server {
  url: string;
  pid: number;
  /** Server stderr lines (the first 20) and how many there were. */
  log: { first: string[]; count: number };
  stop(): Promise<void>;
}

// As bench/run.ts starts servers, but keeping stderr: a soak should show what the server logged.
async function start(args: string[]): Promise<Server> {
  const [cmd, cmdArgs] = PIN
    ? ["taskset", ["-c", "1", Deno.execPath(), ...args]]
    : [Deno.execPath(), args];
  const child = new Deno.Command(cmd, {
    args: cmdArgs,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const log = { first: [] as string[], count: 0 };
  (async () => {
    let rest = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      for (const line of lines) if (log.count++ < 20) log.first.push(line);
    }
  })();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  let m: RegExpExecArray | null = null;
  while (!(m = /http:\/\/\S+?\//.exec(out))) {
    const r = await reader.read();
    if (r.done) throw new Error(`server exited before it was ready:\n${log.first.join("\n")}`);
    out += r.value;
  }
  // Keep draining stdout so the server never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done);
  })();
  let stopped: Promise<void> | null = null;
  return {
    url: m[0],
    pid: child.pid,
    log,
    stop() {
      // SIGTERM lets it drain; SIGKILL if it has not exited 15 s later.
      return stopped ??= (async () => {
        try {
          child.kill("SIGTERM");
        } catch { /* already gone */ }
        const t = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await child.status;
        clearTimeout(t);
      })();
    },
  };
}

interface Sample {
  t: number;
  rssMiB: number;
  fds: number;
}

async function sample(pid: number, t0: number): Promise<Sample> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  let fds = 0;
  for await (const _ of Deno.readDir(`/proc/${pid}/fd`)) fds++;
  return {
    t: Math.round((performance.now() - t0) / 1000),
    rssMiB: Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024,
    fds,
  };
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const enc = new TextEncoder();
const f = (n: number, digits = 1) => n.toFixed(digits);

/** Bad multipart bodies, a few per second, each of which must get a 4xx. */
async function badMultipart(url: string, stop: { done: boolean }) {
  const file = "x".repeat(2048);
  const bodies: [string, string][] = [
    // No boundary at all.
    ["multipart/form-data", "--x\r\n" + "y".repeat(4096)],
    // A part header without a colon.
    [
      "multipart/form-data; boundary=soakB",
      '--soakB\r\nContent-Disposition form-data; name="what"\r\n\r\nx\r\n--soakB--\r\n',
    ],
    // A file part cut short: no closing boundary.
    [
      "multipart/form-data; boundary=soakB",
      '--soakB\r\nContent-Disposition: form-data; name="what"\r\n\r\nx\r\n' +
      '--soakB\r\nContent-Disposition: form-data; name="f"; filename="f.bin"\r\n' +
      `Content-Type: application/octet-stream\r\n\r\n${file}`,
    ],
  ];
  const r = { sent: 0, errors: 0, statuses: {} as Record<number, number>, first: "" };
  for (let i = 0; !stop.done; i++) {
    const [type, body] = bodies[i % bodies.length];
    r.sent++;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": type },
        body: enc.encode(body),
      });
      await res.body?.cancel();
      r.statuses[res.status] = (r.statuses[res.status] ?? 0) + 1;
      if (res.status < 400 || res.status > 499) {
        r.errors++;
        r.first ||= `body ${i % bodies.length}: ${res.status}`;
      }
    } catch (e) {
      r.errors++;
      r.first ||= `body ${i % bodies.length}: ${e}`;
    }
    await delay(200);
  }
  return r;
}

/**
 * IDLE_SOCKETS connections that sit idle (half silent, half after one keep-alive request), each
 * reopened when the server closes it; counts those closes and how long the sockets lived.
 */
function idleSockets(port: number, stop: { done: boolean }) {
  const open = new Set<Deno.Conn>();
  const r = {
    closedByServer: 0,
    connectErrors: 0,
    lifetimesS: { silent: [] as number[], afterRequest: [] as number[] },
  };
  const request = enc.encode("GET /small.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const one = async (i: number) => {
    const buf = new Uint8Array(4096);
    while (!stop.done) {
      let conn: Deno.Conn;
      try {
        conn = await Deno.connect({ hostname: "127.0.0.1", port });
      } catch {
        r.connectErrors++;
        await delay(250);
        continue;
      }
      open.add(conn);
      const opened = performance.now();
      try {
        if (i % 2) await conn.write(request);
        // Reads the answer (if any), then waits for the server to close the socket.
        while ((await conn.read(buf)) !== null);
      } catch { /* reset by the server, or closed by us at the end */ }
      open.delete(conn);
      try {
        conn.close();
      } catch { /* already closed */ }
      if (stop.done) break;
      r.closedByServer++;
      r.lifetimesS[i % 2 ? "afterRequest" : "silent"].push((performance.now() - opened) / 1000);
      await delay(250); // a server that closes at once should not make this spin
    }
  };
  const all = Promise.all(Array.from({ length: IDLE_SOCKETS }, (_, i) => one(i)));
  return {
    result: r,
    async close() {
      for (const c of open) c.close();
      await all;
      return r;
    },
  };
}

interface WrkResult {
  requests: number;
  durationUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  connect: number;
  read: number;
  write: number;
  timeout: number;
  status: number;
  publisher: number;
  page: number;
  static: number;
  session: number;
  lost: number;
  bad: number;
}

async function wrk(url: string, sids: string[]): Promise<{ r: WrkResult; bad: string[] }> {
  const wrkArgs = [
    `-t${PIN ? 1 : THREADS}`,
    `-c${CONNS}`,
    `-d${SECONDS}s`,
    "--timeout",
    "5s",
    "-s",
    join(ROOT, "bench/lua/soak_mix.lua"),
    url,
    "--",
    ...sids,
  ];
  const { out: text, err } = await runWrk(wrkArgs, PIN);
  const line = /^SOAK (\{.*\})$/m.exec(text);
  if (!line) throw new Error(`wrk gave no SOAK line:\n${text}${err}`);
  const bad = [...text.matchAll(/^SOAK_BAD (.*)$/gm)].map((m) => m[1]);
  return { r: JSON.parse(line[1]), bad };
}

/** GETs /counter with `sid` (or none) and returns the count and any new session id. */
async function counter(base: string, sid?: string): Promise<{ n: number; sid?: string }> {
  const res = await fetch(new URL("/counter", base), {
    headers: sid ? { cookie: `sid=${sid}` } : {},
  });
  const body = await res.text();
  const m = /^n=(\d+)$/.exec(body);
  if (res.status !== 200 || !m) throw new Error(`/counter answered ${res.status}: ${body}`);
  return {
    n: Number(m[1]),
    sid: /sid=([0-9a-f]{32})/.exec(res.headers.get("set-cookie") ?? "")?.[1],
  };
}

await ensureWrk();
const dir = await Deno.makeTempDir({ prefix: "modts-soak-" });
const site = join(dir, "site");
await Deno.mkdir(site);
for (const [name, text] of Object.entries(SITE)) await Deno.writeTextFile(join(site, name), text);

const server = await start([
  "run",
  "--no-lock",
  "--allow-all",
  "--v8-flags=--no-compilation-cache",
  "main.ts",
  "serve",
  site,
  "--port",
  "0",
  "--data-dir",
  join(dir, "data"),
]);
const cleanup = async () => {
  await server.stop();
  await Deno.remove(dir, { recursive: true }).catch(() => {});
};
Deno.addSignalListener("SIGINT", () => cleanup().then(() => Deno.exit(130)));

let exitCode = 0;
try {
  const base = server.url;
  console.error(`soak: ${SECONDS}s against ${base} (pid ${server.pid})`);
  for (const path of ["/hello/say?what=soak", "/page.psp", "/small.txt"]) {
    const res = await fetch(new URL(path, base));
    await res.body?.cancel();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  }
  // Sessions the load reuses: modts mints ids itself and never adopts a client's.
  const sids: string[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const { sid } = await counter(base);
    if (!sid) throw new Error("/counter set no session cookie");
    sids.push(sid);
  }

  const t0 = performance.now();
  const start0 = await sample(server.pid, t0);
  const samples: Sample[] = [start0];
  let warm: Sample | null = null;
  let sampling = true;
  const take = () =>
    sample(server.pid, t0).then((s) => {
      if (sampling) samples.push(s);
      return s;
    }, () => null); // the server died: the load will report it
  const warmTimer = setTimeout(async () => warm = await take(), WARMUP * 1000);
  const sampler = setInterval(take, SAMPLE_EVERY * 1000);
  const stop = { done: false };
  const multipart = badMultipart(new URL("/hello/say", base).href, stop);
  const idle = idleSockets(Number(new URL(base).port), stop);

  const { r: w, bad: badSamples } = await wrk(base, sids);
  const end = await sample(server.pid, t0);
  samples.push(end);
  sampling = false;
  clearTimeout(warmTimer);
  clearInterval(sampler);
  stop.done = true;
  const mp = await multipart;
  const idleResult = await idle.close();
  await delay(1000); // let the server notice the closed sockets before counting its fds
  const after = await sample(server.pid, t0);

  // Every session request wrk saw answered must be in the store (more may be: wrk does not count
  // requests still in flight when it stops).
  let total = 0;
  for (const sid of sids) total += (await counter(base, sid)).n;
  const applied = total - 2 * SESSIONS; // the request that created each, and the one above

  const socketErrors = w.connect + w.read + w.write + w.timeout;
  const errors = {
    wrkBadResponses: w.bad,
    wrkSocketErrors: socketErrors,
    sessionsLost: w.lost,
    sessionUpdatesLost: Math.max(0, w.session - applied),
    badMultipartNot4xx: mp.errors,
  };
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  const warmRss = (warm ?? start0).rssMiB;
  // RSS swings ~10% with GC under this load, so growth is measured from the highest sample of
  // the warm-up, not from the one at its end (which may fall in a dip).
  const warmPeak = Math.max(warmRss, ...samples.filter((s) => s.t <= WARMUP).map((s) => s.rssMiB));
  const growth = (end.rssMiB / warmPeak - 1) * 100;
  // How long idle sockets lived before the server closed them: min–max seconds, per kind.
  const range = (xs: number[]) => {
    const s = xs.sort((a, b) => a - b);
    return s.length ? [s[0], s[s.length - 1]] : null;
  };
  const life = {
    silent: range(idleResult.lifetimesS.silent),
    afterRequest: range(idleResult.lifetimesS.afterRequest),
  };
  const lifeText = Object.entries(life).filter(([, v]) => v)
    .map(([k, v]) => `${k === "silent" ? "silent" : "after a request"} ${f(v![0])}–${f(v![1])} s`)
    .join(", ");
  const report = {
    date: new Date().toISOString(),
    deno: Deno.version.deno,
    settings: {
      seconds: SECONDS,
      warmup: WARMUP,
      conns: CONNS,
      threads: PIN ? 1 : THREADS,
      idleSockets: IDLE_SOCKETS,
      sessions: SESSIONS,
      pin: PIN,
    },
    requests: w.requests,
    rps: w.requests / (w.durationUs / 1e6),
    mix: { publisher: w.publisher, page: w.page, static: w.static, session: w.session },
    latencyMs: {
      p50: w.p50Us / 1000,
      p90: w.p90Us / 1000,
      p99: w.p99Us / 1000,
      max: w.maxUs / 1000,
    },
    errors,
    wrkErrors: {
      connect: w.connect,
      read: w.read,
      write: w.write,
      timeout: w.timeout,
      status: w.status,
    },
    sessionUpdates: { seen: w.session, applied },
    badMultipart: { sent: mp.sent, statuses: mp.statuses },
    idleSockets: {
      closedByServer: idleResult.closedByServer,
      connectErrors: idleResult.connectErrors,
      lifetimeS: life,
    },
    rssMiB: {
      start: start0.rssMiB,
      afterWarmup: warmRss,
      warmupPeak: warmPeak,
      end: end.rssMiB,
      afterLoad: after.rssMiB,
      growthOverWarmupPeakPct: growth,
    },
    fds: { start: start0.fds, peak: Math.max(...samples.map((s) => s.fds)), afterLoad: after.fds },
    // One sample a second at most (the timers may coincide with each other and the end).
    samples: samples.sort((a, b) => a.t - b.t).filter((s, i, a) => a[i + 1]?.t !== s.t),
    serverLogLines: server.log.count,
  };

  const failures: string[] = [];
  if (errorCount) failures.push(`${errorCount} errors`);
  if (growth > MAX_GROWTH) {
    failures.push(`RSS grew ${f(growth)}% after warm-up (limit ${MAX_GROWTH}%)`);
  }
  console.log([
    `modts soak: ${SECONDS}s, wrk ${report.settings.threads} thread(s) × ${CONNS} connections, ` +
    `${IDLE_SOCKETS} idle sockets, bad multipart every 200 ms; deno ${Deno.version.deno}`,
    `requests      ${w.requests} (${f(report.rps, 0)} req/s): publisher ${w.publisher}, ` +
    `page ${w.page}, static ${w.static}, session ${w.session}`,
    `latency       p50 ${f(w.p50Us / 1000, 2)} ms, p90 ${f(w.p90Us / 1000, 2)} ms, ` +
    `p99 ${f(w.p99Us / 1000, 2)} ms, max ${f(w.maxUs / 1000, 2)} ms`,
    `errors        ${errorCount}: bad responses ${w.bad}, socket errors ${socketErrors} ` +
    `(connect ${w.connect}, read ${w.read}, write ${w.write}, timeout ${w.timeout}), ` +
    `sessions lost ${w.lost}, session updates lost ${errors.sessionUpdatesLost} ` +
    `(seen ${w.session}, applied ${applied}), bad multipart not 4xx ${mp.errors}`,
    ...badSamples.map((b) => `  first bad response: ${b}`),
    ...(mp.first ? [`  first bad multipart answer: ${mp.first}`] : []),
    `bad multipart ${mp.sent} sent: ${
      Object.entries(mp.statuses).map(([s, n]) => `${n}× ${s}`).join(", ")
    }`,
    `idle sockets  ${idleResult.closedByServer} closed by the server` +
    (lifeText ? ` (lived: ${lifeText})` : "") +
    `, ${idleResult.connectErrors} connect errors`,
    `RSS MiB       start ${f(start0.rssMiB)}, after warm-up (${WARMUP}s) ${f(warmRss)} ` +
    `(its peak ${f(warmPeak)}), end ${f(end.rssMiB)} ` +
    `(${growth >= 0 ? "+" : ""}${f(growth)}% over the warm-up peak), ` +
    `after load ${f(after.rssMiB)}`,
    `RSS samples   ${report.samples.map((s) => `${s.t}s:${f(s.rssMiB, 0)}`).join(" ")}`,
    `fds           start ${start0.fds}, peak ${report.fds.peak}, after load ${after.fds}`,
    `server log    ${server.log.count} lines` +
    (server.log.count ? `; first: ${server.log.first.slice(0, 5).join(" | ")}` : ""),
    failures.length ? `FAIL: ${failures.join("; ")}` : "OK",
  ].join("\n"));
  await Deno.mkdir(join(ROOT, "bench/results"), { recursive: true });
  await Deno.writeTextFile(
    join(ROOT, "bench/results/soak-latest.json"),
    JSON.stringify({ ...report, failures }, null, 2) + "\n",
  );
  if (failures.length) exitCode = 1;
} catch (e) {
  console.error(`soak failed: ${e instanceof Error ? e.stack : e}`);
  exitCode = 1;
} finally {
  await cleanup();
}
Deno.exit(exitCode);
