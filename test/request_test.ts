// The request object's members, each on a real Request (no server needed for these).
import assert from "node:assert/strict";
import { parseTrustList } from "../src/http/forwarded.ts";
import { HttpError } from "../src/http/status.ts";
import { urlParts } from "../src/http/url_parts.ts";
import type { Req } from "../mod.ts";
import { Exchange, type SiteEnv } from "../src/request/exchange.ts";
import { EventStreams } from "../src/server/event_streams.ts";
import { ModuleLoader } from "../src/modules/loader.ts";
import { SessionManager } from "../src/session/manager.ts";
import { baseSettings } from "../src/directory/settings.ts";
import { tempTree } from "./helpers.ts";

const logs: string[] = [];

/** The server's record of a request (what the dispatcher holds). */
async function makeExchange(
  url = "http://example.test/app/hello.ts/say?a=1&a=2&b=",
  init: RequestInit = {},
  env: Partial<SiteEnv> = {},
): Promise<Exchange> {
  const raw = new Request(url, init);
  const u = urlParts(url);
  const uploadDir = env.uploadDir ?? await Deno.makeTempDir();
  return new Exchange(
    raw,
    u,
    {
      file: "/srv/app/hello.ts",
      kind: "module",
      scriptPath: "/app/hello.ts",
      pathInfo: "/say",
      stat: { isFile: true, isDirectory: false, size: 1, mtimeMs: 0 },
    },
    {
      root: "/srv",
      uploadDir,
      trustProxy: parseTrustList([]),
      sessions: new SessionManager(":memory:", (m) => logs.push(m)),
      modules: new ModuleLoader({ root: "/srv", autoreload: false }),
      websockets: true,
      eventStreams: new EventStreams(),
      log: (m) => logs.push(m),
      ...env,
    },
    { remoteAddr: { hostname: "127.0.0.9" } },
    {
      ...baseSettings({
        debug: false,
        autoreload: true,
        maxBodySize: 1024,
        requestTimeout: 60,
        directoryIndex: ["index.ts"],
      }),
      options: { color: "blue" },
    },
  );
}

/** `req` as user code gets it. */
async function makeReq(...args: Parameters<typeof makeExchange>): Promise<Req> {
  return (await makeExchange(...args)).req;
}

Deno.test("req: basic members", async () => {
  const req = await makeReq();
  assert.equal(req.method, "GET");
  assert.equal(req.path, "/app/hello.ts/say");
  assert.equal(req.pathInfo, "/say");
  assert.equal(req.filename, "/srv/app/hello.ts");
  assert.deepEqual(req.query.getAll("a"), ["1", "2"]);
  assert.equal(req.remoteAddr, "127.0.0.9");
  assert.equal(req.isHttps, false);
  assert.equal((await makeReq("https://x.test/a")).isHttps, true);
  assert.deepEqual(req.options, { color: "blue" });
  assert.equal(req.constructUrl("/other?x=1"), "http://example.test/other?x=1");
  assert.equal(req.constructUrl("sibling"), "http://example.test/app/hello.ts/sibling");
  req.log("hello");
  assert.equal(logs.at(-1), "[GET /app/hello.ts/say] hello");
});

Deno.test("req: status, content type, headers and written output", async () => {
  const req = await makeReq();
  req.status = 201;
  req.contentType = "text/csv";
  req.headersOut.set("x-one", "1");
  req.write("a,");
  req.write(new TextEncoder().encode("b,"));
  const res = req.respond("c");
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("content-type"), "text/csv");
  assert.equal(res.headers.get("x-one"), "1");
  assert.equal(await res.text(), "a,b,c");
});

Deno.test("req: HEAD gets the headers and length, no body", async () => {
  const req = await makeReq("http://x.test/a", { method: "HEAD" });
  req.write("hello");
  const res = req.respond(" world");
  assert.equal(res.headers.get("content-length"), "11");
  assert.equal(await res.text(), "");
});

Deno.test("req: flush streams what was written, then the rest", async () => {
  const ex = await makeExchange();
  const gate = Promise.withResolvers<void>();
  const res = await ex.run({
    handle: async ({ req: r }) => {
      r.headersOut.set("x-streamed", "yes");
      r.write("first;");
      await r.flush();
      await gate.promise;
      r.write("second;");
      return r.respond("tail");
    },
  });
  // The response arrived before the handler finished.
  assert.equal(res.headers.get("x-streamed"), "yes");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  assert.equal((await reader.read()).value, "first;");
  gate.resolve();
  let rest = "";
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
  assert.equal(rest, "second;tail");
});

Deno.test("req: an error after flush truncates the stream and is logged", async () => {
  const ex = await makeExchange();
  const res = await ex.run({
    handle: async ({ req: r }) => {
      r.write("partial");
      await r.flush();
      throw new Error("late failure");
    },
  });
  await assert.rejects(res.text());
  assert.match(logs.at(-1)!, /error after the response started: Error: late failure/);
});

Deno.test("req: cookies in and out, with safe defaults", async () => {
  const req = await makeReq("http://x.test/", { headers: { cookie: "a=1; b=two%20words" } });
  assert.deepEqual({ ...req.cookies }, { a: "1", b: "two words" });
  req.setCookie("c", "3");
  req.setCookie("d", "4", { httpOnly: false, sameSite: "Strict", path: "/app", maxAge: 60 });
  const set = req.respond().headers.getSetCookie();
  assert.deepEqual(set, [
    "c=3; Path=/; HttpOnly; SameSite=Lax",
    "d=4; Max-Age=60; Path=/app; SameSite=Strict",
  ]);
  const https = await makeReq("https://x.test/");
  https.setCookie("e", "5");
  assert.equal(
    https.respond().headers.get("set-cookie"),
    "e=5; Path=/; HttpOnly; Secure; SameSite=Lax",
  );
});

Deno.test("req: signed cookies verify, and a tampered one reads as false", async () => {
  const writer = await makeReq();
  await writer.setSignedCookie("uid", "alice", "s3cret");
  const header = writer.respond().headers.get("set-cookie")!;
  const pair = header.split(";")[0];
  const good = await makeReq("http://x.test/", { headers: { cookie: pair } });
  assert.equal(await good.signedCookie("uid", "s3cret"), "alice");
  assert.equal(await good.signedCookie("uid", "other-secret"), false);
  const forged = await makeReq("http://x.test/", {
    headers: { cookie: pair.replace("alice", "mallory") },
  });
  assert.equal(await forged.signedCookie("uid", "s3cret"), false);
  assert.equal(await good.signedCookie("absent", "s3cret"), undefined);
});

Deno.test("req: redirect escapes its body and refuses CR/LF", async () => {
  const req = await makeReq();
  const res = req.redirect('/x?a="><script>alert(1)</script>');
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), '/x?a="><script>alert(1)</script>');
  const body = await res.text();
  assert.ok(!body.includes("<script>"));
  assert.match(body, /&quot;&gt;&lt;script&gt;/);
  assert.equal((await makeReq()).redirect("/perm", 301).status, 301);
  assert.throws(
    () => req.redirect("/ok\r\nSet-Cookie: evil=1"),
    (e: unknown) => e instanceof HttpError && e.status === 400,
  );
});

Deno.test("req: setEtag / setLastModified / meetsConditions", async () => {
  const lm = Date.UTC(2026, 0, 2, 3, 4, 5);
  const plain = await makeReq();
  plain.setEtag("v1");
  plain.setLastModified(new Date(lm + 999));
  assert.equal(plain.meetsConditions(), 200);
  const res = plain.respond("x");
  assert.equal(res.headers.get("etag"), '"v1"');
  assert.equal(res.headers.get("last-modified"), new Date(lm).toUTCString());

  const inm = await makeReq("http://x.test/", { headers: { "if-none-match": '"v1"' } });
  inm.setEtag("v1");
  assert.equal(inm.meetsConditions(), 304);
  assert.equal(inm.status, 304);

  const ims = await makeReq("http://x.test/", {
    headers: { "if-modified-since": new Date(lm).toUTCString() },
  });
  ims.setLastModified(lm);
  assert.equal(ims.meetsConditions(), 304);

  const put = await makeReq("http://x.test/", { method: "PUT", headers: { "if-match": '"v0"' } });
  put.setEtag("v1");
  assert.equal(put.meetsConditions(), 412);
});

Deno.test("req: form from query and urlencoded body; repeats and blanks kept", async () => {
  const req = await makeReq("http://x.test/?a=1&b=", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "a=2&c=three+words&c=%C3%A9",
  });
  assert.throws(() => req.form, /parseForm/);
  const form = await req.parseForm();
  assert.equal(form, req.form);
  assert.equal(await req.parseForm(), form); // once only
  assert.deepEqual(form.getAll("a"), ["1", "2"]);
  assert.equal(form.get("b"), "");
  assert.deepEqual(form.getAll("c"), ["three words", "é"]);
  assert.deepEqual([...form.keys()], ["a", "b", "c"]);
});

Deno.test("req: multipart fields and uploads on disk, removed by cleanup", async () => {
  const fd = new FormData();
  fd.append("title", "report");
  fd.append("file", new File(["hello upload"], "résumé.txt", { type: "text/plain" }));
  const ex = await makeExchange("http://x.test/", { method: "POST", body: fd });
  const req = ex.req;
  const form = await req.parseForm();
  assert.equal(form.get("title"), "report");
  const [upload] = form.uploads;
  assert.equal(upload.field, "file");
  assert.equal(upload.filename, "résumé.txt");
  assert.equal(upload.type, "text/plain");
  assert.equal(upload.size, 12);
  assert.equal(await Deno.readTextFile(upload.path), "hello upload");
  assert.equal((await Deno.stat(upload.path)).mode! & 0o777, 0o600);
  const order: string[] = [];
  req.registerCleanup(() => order.push("first"));
  req.registerCleanup(() => {
    throw new Error("a failing cleanup does not stop the others");
  });
  req.registerCleanup(async () => {
    await Deno.stat(upload.path).then(() => order.push("file present"), () => order.push("gone"));
  });
  assert.equal(ex.hasCleanups, true);
  await ex.cleanup();
  assert.deepEqual(order, ["first", "gone"]);
  assert.match(logs.at(-1)!, /cleanup failed: Error: a failing cleanup/);
});

Deno.test("req: bodies over the limit are refused with 413", async () => {
  const big = "x".repeat(2000);
  const declared = await makeReq("http://x.test/", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `a=${big}`,
  });
  await assert.rejects(
    declared.parseForm(),
    (e: unknown) => e instanceof HttpError && e.status === 413,
  );
  const chunked = await makeReq("http://x.test/", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: ReadableStream.from([new TextEncoder().encode("a="), new TextEncoder().encode(big)]),
  });
  await assert.rejects(
    chunked.parseForm(),
    (e: unknown) => e instanceof HttpError && e.status === 413,
  );
});

Deno.test("req: sendFile sends a file or a part of it with validators", async () => {
  const dir = await tempTree({ "data.bin": "abcdefghij" });
  const req = await makeReq();
  const whole = await req.sendFile(`${dir}/data.bin`);
  assert.equal(await whole.text(), "abcdefghij");
  assert.match(whole.headers.get("etag")!, /^W\//);
  const part = await req.sendFile(`${dir}/data.bin`, { offset: 2, length: 5 });
  assert.equal(part.headers.get("content-length"), "5");
  assert.equal(await part.text(), "cdefg");
  const ranged = await (await makeReq("http://x.test/", { headers: { range: "bytes=1-2" } }))
    .sendFile(`${dir}/data.bin`, { offset: 2, length: 5 });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.headers.get("content-range"), "bytes 1-2/5");
  assert.equal(await ranged.text(), "de");
  await assert.rejects(
    req.sendFile(`${dir}/missing`),
    (e: unknown) => e instanceof HttpError && e.status === 404,
  );
});

Deno.test("req: query fields decode exactly as URLSearchParams does", async () => {
  const queries = [
    "?a=1&b=&c&a=2",
    "?x=a%20b&y=1+2&z=%E2%9C%93",
    "?&&k=v&&",
    "?bad=%zz&ok=1",
    "?eq=a=b=c",
    "?=novalue&empty=",
  ];
  for (const q of queries) {
    const form = await (await makeReq(`http://x.test/p${q}`)).parseForm();
    const expected = [...new URLSearchParams(q)].map(([k, v]) => `${k}=${v}`);
    const actual = [...form.entries()].flatMap(([k, vs]) => vs.map((v) => `${k}=${v}`));
    assert.deepEqual(actual.sort(), expected.sort(), q);
  }
});

Deno.test("urlParts gives what new URL gives", () => {
  const paths = [
    "/",
    "/a/b.txt",
    "/a/../b",
    "/a/./b",
    "/a/%2e%2e/b",
    "/a/%2E/b",
    "/.hidden",
    "/a\\b",
    "/sp ace",
    "/q'uote",
    '/d"q',
    "/ünï",
    "/%zz",
    "/x?",
    "/x?a=1&b=2",
    "/x?a='1'",
    "/x?a=<b>",
    "/x?a=1 2",
    "/x?a=ü",
    "/x?%41=1",
    "//double//slash",
  ];
  for (const p of paths) {
    const href = `http://127.0.0.1:8000${p}`;
    const url = new URL(href);
    assert.deepEqual(urlParts(href), { pathname: url.pathname, search: url.search }, p);
  }
});
