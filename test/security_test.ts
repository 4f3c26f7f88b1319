import assert from "node:assert/strict";
import { join } from "node:path";
import { rawRequest, serveRoot, tempTree } from "./helpers.ts";

const SECRET = "TOP-SECRET-OUTSIDE-ROOT";
const SOURCE = "SOURCE-MARKER";

/** tmp/secret.txt and tmp/outside/ lie outside the root tmp/root. */
async function layout() {
  const base = await tempTree({
    "secret.txt": SECRET,
    "outside/secret.txt": SECRET,
    "root/index.html": "home",
    "root/ok.txt": "fine",
    "root/sub/inner.txt": "inner",
    // Sources whose output (once published or rendered) holds no marker, so the checks
    // below stay true when the publisher and server pages serve these kinds.
    "root/hello.ts": `// ${SOURCE}\nexport const other = 1;`,
    "root/page.psp": `<%-- ${SOURCE} --%>rendered`,
    "root/_directory.ts": `// ${SOURCE}`,
    "root/_private.txt": SOURCE,
    "root/_lib/util.txt": SOURCE,
    "root/.env": SOURCE,
    "root/.git/config": SOURCE,
    "root/hello.ts~": SOURCE,
    "root/hello.ts.bak": SOURCE,
    "root/page.psp.orig": SOURCE,
    "root/#hello.ts#": SOURCE,
    "root/UPPER.TS": `// ${SOURCE}\nexport const other = 1;`,
    "root/comp.tsx": `// ${SOURCE}\nexport const other = 1;`,
    "root/mod.mts": SOURCE,
  });
  const root = join(base, "root");
  await Deno.symlink(join(base, "outside"), join(root, "link_out"));
  await Deno.symlink(join(base, "secret.txt"), join(root, "secret_link.txt"));
  await Deno.symlink(join(root, "ok.txt"), join(root, "inside_link.txt"));
  // Links inside the root that would expose what their target's own name protects.
  await Deno.symlink(join(root, "hello.ts"), join(root, "source_link.txt"));
  await Deno.symlink(join(root, "_private.txt"), join(root, "private_link.txt"));
  await Deno.symlink(join(root, "_lib"), join(root, "lib_link"));
  return root;
}

const TRAVERSALS = [
  "/../secret.txt",
  "/../../secret.txt",
  "/sub/../../secret.txt",
  "/%2e%2e/secret.txt",
  "/%2E%2E/secret.txt",
  "/.%2e/secret.txt",
  "/..%2fsecret.txt",
  "/%2e%2e%2fsecret.txt",
  "/sub%2f..%2f..%2fsecret.txt",
  "/..%5csecret.txt",
  "/sub/..%5c..%5csecret.txt",
  "/..\\secret.txt",
  "/sub\\..\\..\\secret.txt",
  "/%252e%252e/secret.txt",
  "/%c0%ae%c0%ae/secret.txt",
  "/%c0%ae%c0%ae%c0%afsecret.txt",
  "/%e0%80%ae%e0%80%ae/secret.txt",
  "/ok.txt%00",
  "/ok.txt%00.html",
  "/%00/../secret.txt",
  "/link_out/secret.txt",
  "/secret_link.txt",
  "/%ff",
];

const SOURCES = [
  "/source_link.txt",
  "/private_link.txt",
  "/lib_link/util.txt",
  "/hello.ts",
  "/hello",
  "/hello.ts/",
  "/%68ello.ts",
  "/hello%2ets",
  "/hello.ts%00",
  "/hello.ts;x",
  "/hello.ts.",
  "/hello.ts%20",
  "/hello.ts~",
  "/hello.ts%7e",
  "/hello.ts.bak",
  "/%23hello.ts%23",
  "/HELLO.TS",
  "/UPPER.TS",
  "/comp.tsx",
  "/mod.mts",
  "/page.psp.orig",
  "/_directory.ts",
  "/_private.txt",
  "/%5fprivate.txt",
  "/_lib/util.txt",
  "/sub/../_private.txt",
  "/.env",
  "/%2eenv",
  "/.git/config",
  "/.git/",
  "//hello.ts",
  "/./hello.ts",
  "/sub/..//hello.ts",
];

Deno.test("no spelling of a path reaches a file outside the root", async () => {
  await using s = await serveRoot(await layout());
  for (const target of TRAVERSALS) {
    const res = await rawRequest(s.port, target);
    assert.ok([400, 403, 404].includes(res.status), `${target} → ${res.status}`);
    assert.ok(!res.body.includes(SECRET), `${target} leaked the secret`);
  }
  // The server is still healthy, and symlinks inside the root work.
  assert.equal((await rawRequest(s.port, "/ok.txt")).body, "fine");
  assert.equal((await rawRequest(s.port, "/inside_link.txt")).body, "fine");
  assert.equal((await rawRequest(s.port, "/sub/../ok.txt")).body, "fine");
});

Deno.test("no spelling of a path sends module or page source, or a private name", async () => {
  await using s = await serveRoot(await layout());
  for (const target of SOURCES) {
    const res = await rawRequest(s.port, target);
    assert.ok([403, 404].includes(res.status), `${target} → ${res.status}`);
    assert.ok(!res.body.includes(SOURCE), `${target} disclosed source`);
  }
  // A page is rendered, never sent as source.
  const page = await rawRequest(s.port, "/page.psp");
  assert.equal(page.body, "rendered");
  for (const target of ["/_private.txt", "/.env", "/_lib/util.txt", "/hello.ts~", "/.git/config"]) {
    assert.equal((await rawRequest(s.port, target)).status, 403, target);
  }
});

Deno.test("HEAD and Range cannot reach private files either", async () => {
  await using s = await serveRoot(await layout());
  const head = await rawRequest(s.port, "/_private.txt", "HEAD");
  assert.equal(head.status, 403);
  const res = await s.fetch("/hello.ts", { headers: { range: "bytes=0-5" } });
  assert.equal(res.status, 404);
  assert.ok(!(await res.text()).includes("SOURCE"));
});
