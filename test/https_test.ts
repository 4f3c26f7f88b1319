// HTTPS (issue 12): --cert and --key, HTTP/2 and HTTP/1.1 by ALPN, Secure session cookies, and
// one-line errors for certificates that cannot be used.
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli, spawnServer, tempTree } from "./helpers.ts";

/** A self-signed certificate for 127.0.0.1 and localhost, made with Debian's openssl. */
async function selfSigned(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.crt`), key = join(dir, `${name}.key`);
  const out = await new Deno.Command("openssl", {
    args: [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"],
      ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
      // A leaf, not a CA: rustls refuses a CA certificate as the server's own.
      ...["-addext", "basicConstraints=critical,CA:FALSE", "-keyout", key, "-out", cert],
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return { cert, key };
}

const SITE = {
  "public/who.ts": `import type { Req } from "modts";
export async function index(req: Req) {
  const s = await req.session();
  s.data.n = 1;
  return \`\${req.isHttps} \${req.url.protocol}\`;
}`,
};

Deno.test("--cert/--key: HTTPS with HTTP/2 and HTTP/1.1, the ready line, Secure cookies", async () => {
  const root = await tempTree(SITE);
  const { cert, key } = await selfSigned(root, "site");
  const server = await spawnServer([
    join(root, "public"),
    "--port",
    "0",
    "--cert",
    cert,
    "--key",
    key,
  ]);
  const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(cert)] });
  try {
    assert.match(server.output(), /at https:\/\/127\.0\.0\.1:\d+\/\n/);
    const res = await fetch(`${server.url}who`, { client });
    assert.equal(await res.text(), "true https:");
    assert.match(res.headers.get("set-cookie")!, /; Secure/);
    // Both protocols, as curl negotiates them (ALPN).
    for (const [flag, version] of [["--http2", "2"], ["--http1.1", "1.1"]]) {
      const curl = await new Deno.Command("curl", {
        args: [
          "-s",
          "--cacert",
          cert,
          flag,
          "-o",
          "/dev/null",
          "-w",
          "%{http_version}",
          `${server.url}who`,
        ],
        stdout: "piped",
      }).output();
      assert.equal(new TextDecoder().decode(curl.stdout), version);
    }
  } finally {
    client.close();
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("--cert/--key: a missing, unreadable or mismatched pair is one line, exit 2", async () => {
  const root = await tempTree({ "public/index.html": "x" });
  const a = await selfSigned(root, "a");
  const b = await selfSigned(root, "b");
  const site = join(root, "public");
  const cases: [string[], RegExp][] = [
    [["--cert", a.cert], /^modts serve: --cert needs --key\n$/],
    [
      ["--cert", a.cert, "--key", join(root, "none.key")],
      /^modts serve: --key .*none\.key: cannot read it \(/,
    ],
    [
      ["--cert", a.cert, "--key", b.key],
      /^modts serve: --cert and --key cannot be used: .*KeyMismatch/,
    ],
    [
      ["--cert", a.key, "--key", a.key],
      /^modts serve: --cert and --key cannot be used: No certificates found/,
    ],
  ];
  for (const [flags, pattern] of cases) {
    const r = await runCli(["serve", site, "--port", "0", ...flags]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});
