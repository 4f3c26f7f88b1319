// A mounted fetch app: every request under /api/ goes to this Hono app, with the URL made
// relative to the mount (/api/hello/ann → /hello/ann) — mod_python's WSGI handler, for Hono.
import { Hono } from "hono";
import type { MountEnv } from "modts";

const app = new Hono<{ Bindings: MountEnv }>();

app.get("/", (c) =>
  c.json({
    mountedAt: c.env.mountPath,
    routes: ["/hello/:name", "/visits"],
  }));

app.get("/hello/:name", (c) => c.json({ hello: c.req.param("name") }));

// modts's request object is in the env: the app shares sessions with pages and modules.
app.get("/visits", async (c) => {
  const s = await c.env.req.session();
  s.data.apiVisits = ((s.data.apiVisits as number) ?? 0) + 1;
  return c.json({ visits: s.data.apiVisits });
});

export default app;
