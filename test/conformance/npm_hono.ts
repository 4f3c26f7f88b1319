// Hono through the import map: an app built and queried in the module.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";

const app = new Hono()
  .get("/hello/:name", (c) => c.json({ hello: c.req.param("name") }))
  .get("/fail", () => {
    throw new HTTPException(418, { message: "teapot" });
  });

export async function index() {
  const hello = await app.request("/hello/conformance");
  const fail = await app.request("/fail");
  return {
    helloStatus: hello.status,
    hello: await hello.json(),
    failStatus: fail.status,
    fail: await fail.text(),
    resolvedImportsIt: (await import(import.meta.resolve("hono/http-exception"))).HTTPException ===
      HTTPException,
  };
}
