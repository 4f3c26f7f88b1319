// Behind a reverse proxy (issue 12): forwarding headers count only from peers in --trust-proxy.
import assert from "node:assert/strict";
import { join } from "node:path";
import { readRawResponse, runCli, serveRoot, spawnServer, tempTree } from "./helpers.ts";
import { startNginx } from "./local_servers.ts";

const SITE = {
  "who.ts": `import type { Req } from "modts";
export async function index(req: Req) {
  const s = await req.session();
  s.data.seen = true;
  return JSON.stringify({
    remoteAddr: req.remoteAddr,
    isHttps: req.isHttps,
    url: req.url.href,
    built: req.constructUrl("/next"),
  });
}`,
};

const PROXIED = {
  "x-forwarded-for": "203.0.113.9, 127.0.0.1",
  "x-forwarded-proto": "https",
  "x-forwarded-host": "www.example.test",
};

async function ask(base: string, headers: Record<string, string>) {
  const res = await fetch(`${base}who?a=1`, { headers });
  return { ...(await res.json()), secure: /;\s*Secure/i.test(res.headers.get("set-cookie")!) };
}

Deno.test("--trust-proxy: a trusted proxy's headers decide address, scheme, host, Secure and the log", async () => {
  const root = await tempTree(SITE);
  const dataDir = await Deno.makeTempDir();
  const log = join(dataDir, "access.log");
  {
    await using s = await serveRoot(root, { trustProxy: ["127.0.0.1"], accessLog: log, dataDir });
    assert.deepEqual(await ask(s.url, PROXIED), {
      remoteAddr: "203.0.113.9",
      isHttps: true,
      url: "https://www.example.test/who?a=1",
      built: "https://www.example.test/next",
      secure: true,
    });
    // RFC 7239 wins over X-Forwarded-*.
    assert.deepEqual(
      await ask(s.url, {
        ...PROXIED,
        forwarded: 'for="[2001:db8::7]:4711";proto=https;host=fw.example.test',
      }),
      {
        remoteAddr: "2001:db8::7",
        isHttps: true,
        url: "https://fw.example.test/who?a=1",
        built: "https://fw.example.test/next",
        secure: true,
      },
    );
    // A trusted proxy that forwards nothing: the socket's own facts.
    const port = new URL(s.url).port;
    assert.deepEqual(await ask(s.url, {}), {
      remoteAddr: "127.0.0.1",
      isHttps: false,
      url: `http://127.0.0.1:${port}/who?a=1`,
      built: `http://127.0.0.1:${port}/next`,
      secure: false,
    });
  }
  const clients = (await Deno.readTextFile(log)).trim().split("\n").map((l) => l.split(" ")[0]);
  assert.deepEqual(clients, ["203.0.113.9", "2001:db8::7", "127.0.0.1"]);
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("--trust-proxy: from any other peer the headers are ignored", async () => {
  const root = await tempTree(SITE);
  for (const trustProxy of [[], ["10.0.0.0/8", "::1"]]) {
    await using s = await serveRoot(root, { trustProxy });
    const port = new URL(s.url).port;
    assert.deepEqual(await ask(s.url, PROXIED), {
      remoteAddr: "127.0.0.1",
      isHttps: false,
      url: `http://127.0.0.1:${port}/who?a=1`,
      built: `http://127.0.0.1:${port}/next`,
      secure: false,
    }, JSON.stringify(trustProxy));
  }
});

Deno.test("--trust-proxy: a host name or a bad CIDR is a one-line error", async () => {
  const root = await tempTree({ "index.html": "x" });
  for (
    const [value, why] of [
      ["localhost", "hostnames are not accepted"],
      ["10.0.0.0/33", "the prefix length must be 0..32"],
    ]
  ) {
    const r = await runCli(["serve", root, "--trust-proxy", value]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      new RegExp(`^modts serve: command line: invalid value .* for --trust-proxy: .*${why}`),
    );
    assert.equal(r.stderr.trim().split("\n").length, 1);
  }
});

Deno.test("behind nginx with the config of docs/deploy.md, over a Unix socket", async () => {
  const root = await tempTree({ "public/who.ts": SITE["who.ts"] });
  const sock = join(root, "modts.sock");
  const doc = await Deno.readTextFile(new URL("../docs/deploy.md", import.meta.url));
  const site = /```nginx\n([^]*?)```/.exec(doc)![1];
  const modts = await spawnServer([join(root, "public"), "--unix", sock, "--trust-proxy", "unix"]);
  const proxy = await startNginx(
    root,
    (port) =>
      site.replace("/run/modts/modts.sock", sock).replace(
        "listen 443 ssl;",
        `listen 127.0.0.1:${port};`,
      ),
  );
  const port = proxy.port;
  try {
    // Raw, to choose the Host header.
    const request = "GET /who HTTP/1.1\r\nHost: www.example.com\r\nX-Forwarded-For: 6.6.6.6\r\n" +
      "Forwarded: for=7.7.7.7\r\nConnection: close\r\n\r\n";
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode(request));
    const res = await readRawResponse(conn);
    assert.equal(res.status, 200, res.body);
    // The client nginx saw; the addresses the client made up are not believed.
    assert.deepEqual(JSON.parse(res.body), {
      remoteAddr: "127.0.0.1",
      isHttps: false,
      url: "http://www.example.com/who",
      built: "http://www.example.com/next",
    });
  } finally {
    await proxy.stop();
    assert.equal(await modts.stop(), 0);
  }
});
