// Virtual hosts (issue 12): `sites` in the config file picks a document root by the request's
// host; sites share no sessions; no match and no `*` is a 421; the access log names the site.
import assert from "node:assert/strict";
import { join } from "node:path";
import { readRawResponse, runCli, spawnServer, tempTree } from "./helpers.ts";

const COUNTER = `import type { Req } from "modts";
export async function index(req: Req) {
  const s = await req.session();
  s.data.n = ((s.data.n as number) ?? 0) + 1;
  return \`\${req.options.site ?? "?"} n=\${s.data.n}\`;
}`;

/** GET `path` with `host` as the Host header, over a raw connection (fetch cannot set Host). */
async function get(port: number, host: string, path: string, cookie = "") {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const extra = cookie ? `Cookie: ${cookie}\r\n` : "";
  await conn.write(
    new TextEncoder().encode(
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`,
    ),
  );
  return await readRawResponse(conn);
}

Deno.test("sites: the host picks the site; sessions stay in their site; the log names it", async () => {
  const base = await tempTree({
    "sites/a/c.ts": COUNTER,
    "sites/a/_directory.ts": `export const config = { options: { site: "a" } };`,
    "sites/b/c.ts": COUNTER,
    "sites/b/_directory.ts": `export const config = { options: { site: "b" } };`,
    "public/c.ts": COUNTER,
    "public/_directory.ts": `export const config = { options: { site: "default" } };`,
    "etc/modts.json": JSON.stringify({
      accessLog: "../access.log",
      sites: {
        "a.test": "../sites/a",
        "b.test": { root: "../sites/b", debug: true },
        "*": "../public",
      },
    }),
  });
  const server = await spawnServer(["--config", join(base, "etc/modts.json"), "--port", "0"]);
  try {
    assert.match(server.output(), /^modts serving sites a\.test, b\.test, \* at http/);
    const a = await get(server.port, "a.test", "/c");
    assert.equal(a.body, "a n=1");
    const cookie = a.headers["set-cookie"].split(";")[0];
    assert.equal((await get(server.port, "A.Test:8080", "/c", cookie)).body, "a n=2");
    // The same cookie on another site is no session there.
    const b = await get(server.port, "b.test", "/c", cookie);
    assert.equal(b.body, "b n=1");
    assert.ok(b.headers["set-cookie"]);
    assert.equal((await get(server.port, "other.test", "/c")).body, "default n=1");
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const hosts = (await Deno.readTextFile(join(base, "access.log"))).trim().split("\n")
    .map((l) => l.split(" ")[0]);
  assert.deepEqual(hosts, ["a.test", "a.test", "b.test", "*"]);
  // Each site has its own data directory (and so its own session store).
  const dirs = [...Deno.readDirSync(join(base, "etc/.modts/sites"))].map((e) => e.name).sort();
  assert.deepEqual(dirs, ["_default", "a.test", "b.test"]);
});

Deno.test("sites: no match and no * is 421; a malformed entry or a ROOT beside sites is one line", async () => {
  const base = await tempTree({
    "sites/a/index.html": "a",
    "modts.json": JSON.stringify({ sites: { "a.test": "sites/a" } }),
    "bad.json": JSON.stringify({ sites: { "A.test:80": "sites/a" } }),
  });
  const server = await spawnServer(["--config", join(base, "modts.json"), "--port", "0"]);
  try {
    assert.equal((await get(server.port, "a.test", "/")).body, "a");
    const other = await get(server.port, "b.test", "/");
    assert.equal(other.status, 421);
    assert.match(other.body, /This server has no site of that name\./);
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const bad = await runCli(["serve", "--config", join(base, "bad.json")]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^modts serve: .*bad\.json: sites\["A\.test:80"\]: not a host name/);
  const both = await runCli(["serve", join(base, "sites/a"), "--config", join(base, "modts.json")]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /names the sites' roots: give no ROOT\n$/);
});
