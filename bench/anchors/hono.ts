// Anchor: a Hono app with one text route, as a user would write it by hand.
import { Hono } from "hono";

const app = new Hono();
app.get("/hello/world", (c) => c.text("Hello, World!"));
Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(`http://127.0.0.1:${port}/`),
}, app.fetch);
