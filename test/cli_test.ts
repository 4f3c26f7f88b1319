import assert from "node:assert/strict";
import { join } from "node:path";
import denoJson from "../deno.json" with { type: "json" };
import { PROJECT, readRawResponse, runCli, spawnServer, spawnTask, tempTree } from "./helpers.ts";

/** The permissions of the `start` task. */
const START_PERMS = denoJson.tasks.start.split(" ").filter((a) => a.startsWith("--"));

Deno.test("--help for modts and for each command", async () => {
  const main = await runCli(["--help"]);
  assert.equal(main.code, 0);
  assert.match(main.stdout, /Usage: modts COMMAND/);
  for (const cmd of ["serve", "check", "create", "version"]) {
    const r = await runCli([cmd, "--help"]);
    assert.equal(r.code, 0, cmd);
    assert.match(r.stdout, new RegExp(`Usage: modts ${cmd}`), cmd);
  }
  const serve = await runCli(["serve", "-h"]);
  for (
    const flag of [
      "--host",
      "--port",
      "--debug",
      "--autoreload",
      "--kv",
      "--data-dir",
      "--access-log",
    ]
  ) {
    assert.ok(serve.stdout.includes(flag), flag);
  }
});

Deno.test("version names modts, Deno, V8, TypeScript, Hono and Eta", async () => {
  const r = await runCli(["version"]);
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    [
      `modts ${denoJson.version}`,
      `deno ${Deno.version.deno}`,
      `v8 ${Deno.version.v8}`,
      `typescript ${Deno.version.typescript}`,
      "hono 4.13.19",
      "eta 4.6.0",
      "",
    ].join("\n"),
  );
});

Deno.test("bad usage: one line on stderr and exit code 2", async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /^modts: a command is needed \(try --help\)\n$/],
    [["frobnicate"], /^modts: unknown command "frobnicate" \(try --help\)\n$/],
    [["serve", "--bogus"], /^modts serve: unknown flag --bogus\n$/],
    [
      ["serve", "--port", "http"],
      /^modts serve: command line: invalid value "http" for --port: .*\n$/,
    ],
    [["serve", "--port=70000"], /^modts serve: command line: invalid value "70000" for --port/],
    [["serve", "--port"], /^modts serve: --port needs a value \(PORT\)\n$/],
    [["serve", "--debug=yes"], /^modts serve: --debug takes no value\n$/],
    [["serve", "--no-port"], /^modts serve: unknown flag --no-port\n$/],
    [["serve", "--max-body-size", "lots"], /invalid value "lots" for --max-body-size/],
    [["serve", "a", "b"], /^modts serve: unexpected argument "b"\n$/],
    [["check"], /^modts check: check needs a ROOT directory\n$/],
    [["version", "--verbose"], /^modts version: unknown flag --verbose\n$/],
  ];
  for (const [args, pattern] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, pattern, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, args.join(" "));
  }
});

Deno.test("serve --port 0 prints the real address and serves ROOT", async () => {
  const base = await tempTree({ "site/index.html": "hello from site" });
  const server = await spawnServer([join(base, "site"), "--port", "0"]);
  try {
    assert.match(server.output(), /^modts serving .*site at http:\/\/127\.0\.0\.1:\d+\/\n/);
    assert.notEqual(server.port, 0);
    const res = await fetch(server.url);
    assert.equal(await res.text(), "hello from site");
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("a port in use is one line and exit 1; the first server keeps serving", async () => {
  const base = await tempTree({ "site/index.html": "first" });
  const first = await spawnServer([join(base, "site"), "--port", "0"]);
  try {
    const second = await runCli(["serve", join(base, "site"), "--port", String(first.port)]);
    assert.equal(second.code, 1);
    assert.equal(
      second.stderr,
      `modts serve: cannot listen on 127.0.0.1:${first.port}: ` +
        "the address is in use (is modts already running?)\n",
    );
    assert.equal(await (await fetch(first.url)).text(), "first");
    // The second one left no upload directory behind.
    const left = [...Deno.readDirSync(join(base, ".modts"))].filter((e) =>
      e.name.startsWith("uploads-")
    );
    assert.equal(left.length, 1);
  } finally {
    assert.equal(await first.stop(), 0);
  }
});

Deno.test("--unix PATH: a socket of mode 0660; a stale one is replaced, a live one refused", async () => {
  const base = await tempTree({ "site/index.html": "over a socket" });
  const sock = join(base, "modts.sock");
  const ask = async () => {
    const conn = await Deno.connect({ transport: "unix", path: sock });
    await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    return await readRawResponse(conn);
  };
  const first = await spawnServer([join(base, "site"), "--unix", sock]);
  assert.match(first.output(), /^modts serving .*site at unix:.*modts\.sock\n/);
  assert.equal((await Deno.stat(sock)).mode! & 0o777, 0o660);
  assert.equal((await ask()).body, "over a socket");
  const second = await runCli(["serve", join(base, "site"), "--unix", sock]);
  assert.equal(second.code, 1);
  assert.equal(
    second.stderr,
    `modts serve: cannot listen on ${sock}: the address is in use (is modts already running?)\n`,
  );
  // Killed: its socket file stays behind, and the next start replaces it.
  first.child.kill("SIGKILL");
  await first.status;
  assert.ok((await Deno.lstat(sock)).isSocket);
  const next = await spawnServer([join(base, "site"), "--unix", sock]);
  try {
    assert.equal((await ask()).body, "over a socket");
  } finally {
    assert.equal(await next.stop(), 0);
  }
});

Deno.test("--config FILE names the config file; the one beside ROOT is then not read", async () => {
  const base = await tempTree({
    "site/index.html": "named config",
    "modts.config.json": JSON.stringify({ port: "not a port" }), // beside ROOT: ignored
    "etc/modts.json": JSON.stringify({ accessLog: "../logs/access.log" }),
    "logs/.keep": "",
  });
  const server = await spawnServer([
    join(base, "site"),
    "--config",
    join(base, "etc/modts.json"),
    "--port",
    "0",
  ]);
  try {
    assert.match(server.output(), /\(config: .*etc\/modts\.json\)/);
    assert.equal(await (await fetch(server.url)).text(), "named config");
  } finally {
    assert.equal(await server.stop(), 0);
  }
  assert.match(await Deno.readTextFile(join(base, "logs/access.log")), /"GET \/ HTTP\/1\.1" 200/);
  const missing = await runCli(["serve", join(base, "site"), "--config", join(base, "nope.json")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^modts serve: .*nope\.json: .*No such file/);
  assert.equal(missing.stderr.trim().split("\n").length, 1);
});

Deno.test("no ROOT and no ./public: the site shipped with modts, its data in the working dir", async () => {
  const cwd = await Deno.makeTempDir();
  const server = await spawnServer(["--port", "0"], cwd);
  try {
    const res = await fetch(server.url);
    assert.equal(await res.text(), await Deno.readTextFile(join(PROJECT, "public/index.html")));
    assert.ok((await Deno.stat(join(cwd, ".modts"))).isDirectory);
  } finally {
    assert.equal(await server.stop(), 0);
  }
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("the config file beside ROOT sets flags; flags win; its paths are relative to it", async () => {
  const base = await tempTree({
    "site/index.html": "configured",
    "modts.config.json": JSON.stringify({ port: 1, accessLog: "logs/access.log", debug: true }),
    "logs/.keep": "",
  });
  const server = await spawnServer([join(base, "site"), "--port", "0"]);
  try {
    assert.match(server.output(), /\(config: .*modts\.config\.json\)/);
    const res = await fetch(`${server.url}?q=1`, {
      headers: { "user-agent": 'test "agent"', referer: "http://ref.test/" },
    });
    assert.equal(await res.text(), "configured");
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const log = await Deno.readTextFile(join(base, "logs/access.log"));
  assert.match(
    log,
    /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/\?q=1 HTTP\/1\.1" 200 10 "http:\/\/ref\.test\/" "test \\"agent\\""\n$/,
  );
});

Deno.test("a TS config file works; an unknown key or two config files are usage errors", async () => {
  const ts = await tempTree({
    "site/index.html": "ts config",
    "modts.config.ts": "export default { port: 0, host: '127.0.0.1' };",
  });
  const server = await spawnServer([join(ts, "site")]);
  try {
    assert.equal(await (await fetch(server.url)).text(), "ts config");
  } finally {
    await server.stop();
  }
  const bad = await tempTree({ "site/x": "", "modts.config.json": '{"prot": 8000}' });
  const r = await runCli(["serve", join(bad, "site")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown setting "prot"/);
  const both = await tempTree({
    "site/x": "",
    "modts.config.json": "{}",
    "modts.config.ts": "export default {}",
  });
  const r2 = await runCli(["serve", join(both, "site")]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /keep one/);
});

Deno.test("create scaffolds a site that serves as its next step says, and type-checks", async () => {
  const dir = join(await Deno.makeTempDir(), "mysite");
  const r = await runCli(["create", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(await Deno.readTextFile(join(dir, "public/index.html")), /It works/);
  assert.match(r.stdout, new RegExp(`Next: cd ${dir} && deno task start\n`));
  const again = await runCli(["create", dir]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists; nothing was written/);
  // The next step, as written (`deno task start`, here with a free port).
  const server = await spawnTask(dir, ["start", "--port", "0", "--kv", ":memory:"]);
  try {
    assert.match(server.output(), /config: .*mysite\/modts\.config\.json/);
    const res = await fetch(server.url);
    assert.match(await res.text(), /It works/);
    const hello = await fetch(`${server.url}hello/say?what=you`);
    assert.equal(await hello.text(), "Hello, you!");
    const teapot = await fetch(`${server.url}hello/teapot`);
    assert.equal(teapot.status, 418);
    await teapot.body?.cancel();
    const page = await fetch(`${server.url}page.psp?who=%3Cyou%3E`);
    assert.match(await page.text(), /<h1>Hello, &lt;you&gt;!<\/h1>/);
    const first = await fetch(`${server.url}visits.psp`);
    assert.match(await first.text(), /Visit 1 in/);
    const cookie = first.headers.get("set-cookie")!.split(";")[0];
    const second = await fetch(`${server.url}visits.psp`, { headers: { cookie } });
    assert.match(await second.text(), /Visit 2 in/);
  } finally {
    await server.stop();
  }
  // Editors and deno check see `modts` through the site's own deno.json.
  const typed = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", "public/"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(typed.code, 0, new TextDecoder().decode(typed.stderr));
  const checked = await runCli(["check", join(dir, "public")]);
  assert.equal(checked.code, 0, checked.stdout);
});

Deno.test("check gives no false pass: without --allow-run, types are an error, not skipped", async () => {
  const root = await tempTree({
    "site/typed.ts": "export const index = () => 1;\nexport const n: number = 'text';\n",
  });
  const site = join(root, "site");
  const all = await runCli(["check", site]);
  assert.equal(all.code, 1);
  assert.match(all.stdout, /typed\.ts:2: TS2322: Type 'string' is not assignable to type 'number'/);
  const startPerms = await runCli(["check", site], { perms: START_PERMS });
  assert.equal(startPerms.code, 1);
  assert.match(
    startPerms.stdout,
    /types not checked: checking types runs `deno check`, which needs --allow-run/,
  );
  const skipped = await runCli(["check", site, "--no-types"]);
  assert.equal(skipped.code, 0, skipped.stdout);
});

Deno.test("check reports config errors and escaping symlinks, and fails on errors", async () => {
  const base = await tempTree({ "site/index.html": "ok", "secret.txt": "s", "site/m.ts.bak": "" });
  await Deno.symlink(join(base, "secret.txt"), join(base, "site/out.txt"));
  const ok = await runCli(["check", join(base, "site")]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /out\.txt: symlink leads outside ROOT .* never served \(warning\)/);
  assert.match(ok.stdout, /m\.ts\.bak: no handler serves source files: never served \(warning\)/);
  assert.match(ok.stdout, /checked 2 files: 0 errors, 2 warnings\n$/);

  await Deno.writeTextFile(join(base, "modts.config.json"), '{"port": "many"}');
  const bad = await runCli(["check", join(base, "site")]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /invalid value "many" for --port/);

  const missing = await runCli(["check", join(base, "nope")]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope: /);
});
