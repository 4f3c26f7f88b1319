// createHandler (mod.ts): the server as a fetch handler — called directly, under `deno serve`
// from a folder with no config, and mounted in a Hono app (issue 12).
import assert from "node:assert/strict";
import { join } from "node:path";
import { Hono } from "hono";
import { createHandler } from "../mod.ts";
import { SESSION_COUNTER, tempTree } from "./helpers.ts";

const SITE = {
  "hello.ts": `import type { Req } from "modts";
export function say(what = "world") { return \`Hello, \${what}!\`; }
export function where(req: Req) { return \`\${req.path} from "\${req.remoteAddr}"\`; }`,
  "counter.ts": `import type { Req } from "modts";\n${SESSION_COUNTER}`,
  "page.psp": "<p><%= 2 + 3 %></p>",
};

Deno.test("createHandler: the whole site as a fetch handler, sessions included", async () => {
  const root = await tempTree(SITE);
  const dataDir = await Deno.makeTempDir();
  const site = await createHandler({ root, dataDir, kv: ":memory:" });
  try {
    const get = (path: string, init?: RequestInit, info?: Deno.ServeHandlerInfo) =>
      site.fetch(new Request(`http://modts.test${path}`, init), info);
    assert.equal(await (await get("/hello/say?what=you")).text(), "Hello, you!");
    assert.equal(await (await get("/page.psp")).text(), "<p>5</p>");
    assert.equal((await get("/missing")).status, 404);
    assert.equal(await (await get("/hello/where")).text(), '/hello/where from ""');
    const info = { remoteAddr: { hostname: "192.0.2.7" } } as Deno.ServeHandlerInfo;
    assert.equal(
      await (await get("/hello/where", {}, info)).text(),
      '/hello/where from "192.0.2.7"',
    );
    const first = await get("/counter");
    const cookie = first.headers.get("set-cookie")!.split(";")[0];
    assert.equal(await first.text(), "1");
    assert.equal(await (await get("/counter", { headers: { cookie } })).text(), "2");
  } finally {
    await site.close();
  }
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("createHandler: settings are checked like the config file's", async () => {
  const root = await tempTree(SITE);
  await assert.rejects(
    createHandler({ root, debug: "yes" } as unknown as { root: string }),
    { message: 'createHandler: invalid value "yes" for --debug: expected true or false' },
  );
  await assert.rejects(
    createHandler({ root, port: 80 } as unknown as { root: string }),
    /^UsageError: createHandler: unknown setting "port" \(known: debug, autoreload, kv, dataDir, accessLog, maxBodySize, requestTimeout, fsTtl, liveReload\)$/,
  );
  await assert.rejects(createHandler({ root: "" }), {
    message: "createHandler: settings.root must name the document root",
  });
});

Deno.test("createHandler: mounted in a Hono app", async () => {
  const root = await tempTree(SITE);
  const site = await createHandler({ root, kv: ":memory:" });
  const app = new Hono();
  app.get("/", (c) => c.text("the Hono app"));
  app.mount("/legacy", site.fetch);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    assert.equal(await (await fetch(`${base}/`)).text(), "the Hono app");
    assert.equal(await (await fetch(`${base}/legacy/hello/say?what=Hono`)).text(), "Hello, Hono!");
    // Hono hands the connection's info on: the address is the client's.
    assert.equal(
      await (await fetch(`${base}/legacy/hello/where`)).text(),
      '/hello/where from "127.0.0.1"',
    );
  } finally {
    await server.shutdown();
    await site.close();
  }
});

Deno.test("createHandler: under deno serve, from a folder with no config of its own", async () => {
  const root = await tempTree(SITE);
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    join(dir, "serve.ts"),
    `import { createHandler } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
export default await createHandler({ root: ${JSON.stringify(root)}, kv: ":memory:" });\n`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      "--no-lock",
      "-A",
      "--unstable-kv",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "serve.ts",
    ],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    let text = "";
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let url: string | undefined;
    while (!url) {
      const r = await reader.read();
      if (r.done) throw new Error(`deno serve exited:\n${text}`);
      text += r.value;
      url = /http:\/\/\S+\//.exec(text)?.[0];
    }
    assert.equal(await (await fetch(`${url}hello/say?what=serve`)).text(), "Hello, serve!");
    const first = await fetch(`${url}counter`);
    const cookie = first.headers.get("set-cookie")!.split(";")[0];
    assert.equal(await first.text(), "1");
    assert.equal(await (await fetch(`${url}counter`, { headers: { cookie } })).text(), "2");
    reader.releaseLock();
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
  }
  await Deno.remove(dir, { recursive: true });
});
