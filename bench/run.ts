// `deno task bench`: modts and anchor servers on 127.0.0.1, loaded with wrk one at a time,
// with ratios against the anchors measured in the same run. Settings from the environment:
// DURATION (s, default 8), WARMUP (s, 2), CONNS (50), THREADS (2), ROUNDS (1), ONLY (row names),
// PIN=1 (server on CPU 1, wrk with one thread on CPU 0: steadier ratios on a noisy machine).
import { join } from "node:path";
import { ensureWrk, runWrk } from "./wrk.ts";
import { startRedis } from "../test/local_servers.ts";

const ROOT = join(import.meta.dirname!, "..");
const env = (name: string, fallback: number) => Number(Deno.env.get(name) ?? fallback);
const DURATION = env("DURATION", 8);
const WARMUP = env("WARMUP", 2);
const CONNS = env("CONNS", 50);
const THREADS = env("THREADS", 2);
const ROUNDS = env("ROUNDS", 1);
const ONLY = Deno.env.get("ONLY")?.split(",");
const PIN = Deno.env.get("PIN") === "1";

interface Row {
  name: string;
  /** Server command (deno args); it prints its http://…/ address. */
  args: string[];
  path: string;
  /** Anchors this row is compared with. */
  vs?: string[];
  /** A wrk Lua script under bench/lua and its arguments. */
  lua?: string[];
}

// The Eta anchor's template (shared/bench-anchors/anchors/views/list.eta), served as list.eta
// by the anchor and as list.psp by modts: the same text, the same data.
const LIST_TEMPLATE = `<!doctype html>
<html>
<head><meta charset="utf-8"><title><%= it.title %></title></head>
<body>
<h1><%= it.title %></h1>
<p>path=<%= it.path %> hits=<%= it.hits %></p>
<table>
<% for (const item of it.items) { %>
  <tr id="row-<%= item.id %>"><td><%= item.name %></td><td><%= item.note %></td><td><%= item.price %></td></tr>
<% } %>
</table>
</body>
</html>
`;

// The data side of the page row: a publisher function rendering list.psp with the anchor's
// data, as the Eta anchor renders list.eta.
const LIST_MODULE = `const items = Array.from({ length: 100 }, (_, i) => ({
  id: i,
  name: \`Item <\${i}> & "friends"\`,
  note: i % 3 === 0 ? "<b>bold?</b> no: escaped" : \`it's #\${i}\`,
  price: (i * 1.25).toFixed(2),
}));
let hits = 0;
export function index(req) {
  hits++;
  return req.render("list.psp", { title: "Items & <things>", path: req.path, hits, items });
}
`;

async function makeSite(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "modts-bench-" });
  await Deno.mkdir(join(dir, "site"));
  await Deno.mkdir(join(dir, "views"));
  await Deno.writeTextFile(join(dir, "views/list.eta"), LIST_TEMPLATE);
  await Deno.writeTextFile(join(dir, "site/list.psp"), LIST_TEMPLATE);
  await Deno.writeTextFile(join(dir, "site/items.ts"), LIST_MODULE);
  await Deno.writeTextFile(join(dir, "site/small.txt"), "Hello, World!");
  await Deno.writeTextFile(
    join(dir, "site/hello.ts"),
    'export function say(what = "world") {\n  return `Hello, ${what}!`;\n}\n',
  );
  await Deno.writeTextFile(
    join(dir, "site/calc.ts"),
    "export function add(a: number, b: number) {\n  return a + b;\n}\n",
  );
  await Deno.writeTextFile(
    join(dir, "site/counter.ts"),
    "export async function index(req) {\n  const s = await req.session();\n" +
      "  s.data.n = (s.data.n ?? 0) + 1;\n  return `n=${s.data.n}\\n`;\n}\n",
  );
  // The hello module again, three directories down, each with options and a no-op fixup.
  for (const sub of ["deep", "deep/er", "deep/er/est"]) {
    await Deno.mkdir(join(dir, "site", sub));
    await Deno.writeTextFile(
      join(dir, "site", sub, "_directory.ts"),
      `export const config = { options: { level: "${sub}", shared: "x" } };\n` +
        "export function fixup() {}\n",
    );
  }
  await Deno.copyFile(join(dir, "site/hello.ts"), join(dir, "site/deep/er/est/hello.ts"));
  await Deno.writeFile(
    join(dir, "site/1mib.bin"),
    new Uint8Array(1024 * 1024).map((_, i) => i % 251),
  );
  return dir;
}

interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function start(args: string[]): Promise<Server> {
  const [cmd, cmdArgs] = PIN ? ["taskset", ["-c", "1", Deno.execPath(), ...args]] : [
    Deno.execPath(),
    args,
  ];
  const child = new Deno.Command(cmd, {
    args: cmdArgs,
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  let m: RegExpExecArray | null = null;
  while (!(m = /http:\/\/\S+?\//.exec(out))) {
    const r = await reader.read();
    if (r.done) throw new Error(`server ${args.join(" ")} exited before it was ready`);
    out += r.value;
  }
  // Keep draining stdout so the server never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done);
  })();
  return {
    url: m[0],
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  rssMiB: number;
}

function ms(v: string): number {
  const n = parseFloat(v);
  if (v.endsWith("us")) return n / 1000;
  if (v.endsWith("ms")) return n;
  if (v.endsWith("s")) return n * 1000;
  return n;
}

async function wrk(url: string, seconds: number, lua: string[] = []): Promise<string> {
  const script = lua.length ? ["-s", join(ROOT, "bench/lua", lua[0])] : [];
  const luaArgs = lua.length ? ["--", ...lua.slice(1)] : [];
  const wrkArgs = [
    `-t${PIN ? 1 : THREADS}`,
    `-c${CONNS}`,
    `-d${seconds}s`,
    "--latency",
    ...script,
    url,
    ...luaArgs,
  ];
  return (await runWrk(wrkArgs, PIN)).out;
}

async function rssMiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function measure(row: Row): Promise<Result> {
  const server = await start(row.args);
  try {
    const url = new URL(row.path, server.url).href;
    const check = await fetch(url);
    await check.body?.cancel();
    if (check.status !== 200) throw new Error(`${row.name}: ${url} answered ${check.status}`);
    await wrk(url, WARMUP, row.lua);
    const text = await wrk(url, DURATION, row.lua);
    const errors = [...text.matchAll(/(?:Non-2xx or 3xx responses|Socket errors):.*?(\d+)/g)]
      .reduce((n, m) => n + Number(m[1]), 0);
    return {
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)![1]),
      p50: ms(/ 50%\s+(\S+)/.exec(text)![1]),
      p99: ms(/ 99%\s+(\S+)/.exec(text)![1]),
      errors,
      rssMiB: await rssMiB(server.pid),
    };
  } finally {
    await server.stop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

await ensureWrk();
const dir = await makeSite();
const site = join(dir, "site");
const run = ["run", "--no-lock", "--allow-all", "--v8-flags=--no-compilation-cache"];
// A config file that puts the whole site in one interpreter.
const interpreted = join(dir, "interpreted.config.json");
await Deno.writeTextFile(interpreted, JSON.stringify({ interpreters: { "/": {} } }));
// The same in a process of its own (a memory limit needs one).
const interpretedProcess = join(dir, "interpreted-process.config.json");
await Deno.writeTextFile(
  interpretedProcess,
  JSON.stringify({ interpreters: { "/": { memory: 512 } } }),
);
// The Redis rows share one redis-server, started only when one of them runs.
const redis = !ONLY || ONLY.some((name) => name.includes("redis")) ? await startRedis(dir) : null;
const rows: Row[] = [
  {
    name: "raw-small",
    args: [...run, "bench/anchors/raw.ts", join(site, "small.txt"), "text/plain; charset=utf-8"],
    path: "/",
  },
  {
    name: "raw-small-validators",
    args: [
      ...run,
      "bench/anchors/raw.ts",
      join(site, "small.txt"),
      "text/plain; charset=utf-8",
      "validators",
    ],
    path: "/",
  },
  { name: "hono-hello", args: [...run, "bench/anchors/hono.ts"], path: "/hello/world" },
  {
    name: "nginx-static-small",
    args: [...run, "bench/anchors/nginx.ts", site],
    path: "/small.txt",
  },
  {
    name: "modts-static-small",
    args: [...run, "main.ts", "serve", site, "--port", "0"],
    path: "/small.txt",
    vs: ["raw-small", "raw-small-validators", "hono-hello", "nginx-static-small"],
  },
  {
    name: "modts-static-small-w2",
    args: [...run, "main.ts", "serve", site, "--port", "0", "--workers", "2"],
    path: "/small.txt",
    vs: ["modts-static-small", "nginx-static-small"],
  },
  {
    name: "modts-publisher-hello",
    args: [...run, "main.ts", "serve", site, "--port", "0"],
    path: "/hello/say?what=x",
    vs: ["hono-hello", "raw-small"],
  },
  {
    // The same call with the whole site in an interpreter's isolate (docs/interpreters.md).
    name: "modts-publisher-hello-interp",
    args: [...run, "main.ts", "serve", site, "--port", "0", "--config", interpreted],
    path: "/hello/say?what=x",
    vs: ["modts-publisher-hello", "raw-small"],
  },
  {
    name: "modts-publisher-hello-interp-process",
    args: [...run, "main.ts", "serve", site, "--port", "0", "--config", interpretedProcess],
    path: "/hello/say?what=x",
    vs: ["modts-publisher-hello", "modts-publisher-hello-interp"],
  },
  {
    name: "modts-publisher-hello-3dirs",
    args: [...run, "main.ts", "serve", site, "--port", "0"],
    path: "/deep/er/est/hello/say?what=x",
    vs: ["modts-publisher-hello", "hono-hello"],
  },
  {
    name: "modts-publisher-calc",
    args: [...run, "main.ts", "serve", site, "--port", "0"],
    path: "/calc/add?a=1&b=2",
    vs: ["hono-hello", "raw-small"],
  },
  {
    name: "eta-list",
    args: [...run, "bench/anchors/eta.ts", join(dir, "views")],
    path: "/items",
  },
  {
    name: "modts-psp-list",
    args: [...run, "main.ts", "serve", site, "--port", "0"],
    path: "/items",
    vs: ["eta-list"],
  },
  {
    name: "modts-psp-list-interp",
    args: [...run, "main.ts", "serve", site, "--port", "0", "--config", interpreted],
    path: "/items",
    vs: ["modts-psp-list", "eta-list"],
  },
  {
    name: "modts-psp-list-w2",
    args: [...run, "main.ts", "serve", site, "--port", "0", "--workers", "2"],
    path: "/items",
    vs: ["modts-psp-list", "eta-list"],
  },
  {
    name: "kv-session",
    args: [...run, "bench/anchors/kv_session.ts", join(dir, "anchor-kv.sqlite3")],
    path: "/counter",
    // The anchor adopts any id a client sends; it gets the 1,000 cookies made up.
    lua: ["session_pool.lua", "sid", "1000"],
  },
  {
    name: "modts-session-counter",
    args: [...run, "main.ts", "serve", site, "--port", "0", "--kv", join(dir, "kv.sqlite3")],
    path: "/counter",
    vs: ["kv-session"],
    // modts never adopts a client's id: the script learns 1,000 ids the server minted.
    lua: ["session_learn.lua", "sid", "1000"],
  },
  {
    name: "php-fpm-session-redis",
    args: [...run, "bench/anchors/php_session_redis.ts", String(redis?.port)],
    path: "/session.php",
    // PHP adopts any id a client sends (use_strict_mode off, as in the shared anchors).
    lua: ["session_pool.lua", "PHPSESSID", "1000"],
  },
  {
    name: "modts-session-counter-redis",
    args: [
      ...[...run, "main.ts", "serve", site, "--port", "0"],
      ...["--kv", `redis://127.0.0.1:${redis?.port}/1`],
    ],
    path: "/counter",
    vs: ["php-fpm-session-redis", "modts-session-counter"],
    lua: ["session_learn.lua", "sid", "1000"],
  },
  {
    name: "raw-1mib",
    args: [...run, "bench/anchors/raw.ts", join(site, "1mib.bin"), "application/octet-stream"],
    path: "/",
  },
  {
    name: "modts-static-1mib",
    args: [...run, "main.ts", "serve", site, "--port", "0"],
    path: "/1mib.bin",
    vs: ["raw-1mib"],
  },
].filter((r) => !ONLY || ONLY.includes(r.name));

const results = new Map<string, Result[]>();
for (let round = 1; round <= ROUNDS; round++) {
  for (const row of rows) {
    const r = await measure(row);
    console.error(`round ${round} ${row.name}: ${Math.round(r.rps)} req/s`);
    results.set(row.name, [...(results.get(row.name) ?? []), r]);
  }
}
await redis?.stop();
await Deno.remove(dir, { recursive: true });

const med = (name: string, key: keyof Result) => median(results.get(name)!.map((r) => r[key]));
const lines = [
  `# modts bench ${new Date().toISOString()}`,
  "",
  `wrk -t${PIN ? 1 : THREADS} -c${CONNS} -d${DURATION}s (warm-up ${WARMUP}s), ${ROUNDS} round(s),` +
  ` medians${PIN ? ", pinned (server CPU 1, wrk CPU 0)" : ""};` +
  ` deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores.`,
  "",
  "| row | req/s | ratios | p50 ms | p99 ms | errors | RSS MiB |",
  "|---|---:|---|---:|---:|---:|---:|",
  ...rows.map((row) => {
    const rps = med(row.name, "rps");
    const ratios = (row.vs ?? []).filter((a) => results.has(a))
      .map((a) => `${(rps / med(a, "rps")).toFixed(2)}× ${a}`).join(", ");
    return `| ${row.name} | ${Math.round(rps)} | ${ratios || "anchor"} | ${
      med(row.name, "p50").toFixed(2)
    } | ${med(row.name, "p99").toFixed(2)} | ${med(row.name, "errors")} | ${
      med(row.name, "rssMiB").toFixed(0)
    } |`;
  }),
];
if (!ONLY || ONLY.includes("reload-leak")) {
  lines.push("", "Reload leak: 1,000 edit-and-request cycles of a 10 KB publisher module", "");
  lines.push(
    "| V8 compilation cache | RSS before MiB | RSS after MiB | growth MiB |",
    "|---|---:|---:|---:|",
  );
  for (const flag of [true, false]) lines.push(await reloadLeak(flag));
}
const report = lines.join("\n") + "\n";
console.log(report);
await Deno.mkdir(join(ROOT, "bench/results"), { recursive: true });
await Deno.writeTextFile(
  join(ROOT, `bench/results/${new Date().toISOString().replace(/[:.]/g, "-")}.md`),
  report,
);

/**
 * Edits a ~10 KB module and requests it, 1,000 times, on a server that checks files on every
 * request (--fs-ttl 0); reports the server's RSS growth. `noCache`: with the V8 flag the
 * deno.json tasks use (see src/modules/loader.ts), or without it for comparison.
 */
async function reloadLeak(noCache: boolean): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "modts-reload-" });
  const filler = Array.from(
    { length: 120 },
    (_, i) => `export function f${i}(a: number, b = "x${i}"): string { return String(a) + b; }`,
  ).join("\n");
  const write = (v: number) =>
    Deno.writeTextFile(join(dir, "mod.ts"), `${filler}\nexport const version = ${v};\n`);
  await write(0);
  const flags = noCache ? ["--v8-flags=--no-compilation-cache"] : [];
  const server = await start([
    "run",
    "--allow-all",
    ...flags,
    "main.ts",
    "serve",
    dir,
    "--port",
    "0",
    "--fs-ttl",
    "0",
  ]);
  const cycle = async (v: number) => {
    await write(v);
    const body = await (await fetch(`${server.url}mod/version`)).text();
    if (body !== String(v)) throw new Error(`reload ${v}: got ${body}`);
  };
  try {
    for (let v = 1; v <= 20; v++) await cycle(v);
    const before = await rssMiB(server.pid);
    for (let v = 21; v <= 1020; v++) await cycle(v);
    const after = await rssMiB(server.pid);
    console.error(
      `reload leak (${noCache ? "off" : "on"}): ${before.toFixed(0)} → ${after.toFixed(0)} MiB`,
    );
    return `| ${noCache ? "off (deno.json tasks)" : "on (plain deno run)"} | ${
      before.toFixed(0)
    } | ${after.toFixed(0)} | ${(after - before).toFixed(0)} |`;
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}
