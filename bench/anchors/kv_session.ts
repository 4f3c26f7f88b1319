// Anchor: the shared bench-anchors' Deno KV session counter (shared/bench-anchors/anchors/
// kv_session.ts), on port 0 with its KV file given as an argument. Per request: read the
// record named by the cookie, increment with a check-and-set (retried on conflict). No lock.
const kv = await Deno.openKv(Deno.args[0]);
const SID_RE = /(?:^|;\s*)sid=([A-Za-z0-9_-]{1,128})/;
type Session = { n: number; t: number };

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(`http://127.0.0.1:${port}/`),
}, async (req) => {
  const headers = new Headers({ "content-type": "text/plain; charset=utf-8" });
  let sid = SID_RE.exec(req.headers.get("cookie") ?? "")?.[1];
  if (!sid) {
    sid = crypto.randomUUID();
    headers.set("set-cookie", `sid=${sid}; Path=/; HttpOnly; SameSite=Lax`);
  }
  const key = ["session", sid];
  for (let attempt = 0; attempt < 20; attempt++) {
    const cur = await kv.get<Session>(key);
    const n = (cur.value?.n ?? 0) + 1;
    const res = await kv.atomic().check(cur).set(key, { n, t: Date.now() }).commit();
    if (res.ok) return new Response(`n=${n}\n`, { headers });
  }
  return new Response("conflict\n", { status: 503, headers });
});
