// Traces (issue 15): with Deno's OpenTelemetry on, modts's own spans come under Deno's HTTP
// span. A small OTLP/HTTP receiver (JSON protocol) in the test collects what the server sends.
import assert from "node:assert/strict";
import { join } from "node:path";
import { SESSION_COUNTER, spawnServer, tempTree } from "./helpers.ts";

interface Span {
  name: string;
  spanId: string;
  parentSpanId?: string;
  attributes?: { key: string; value: { stringValue?: string } }[];
}

Deno.test("OTEL_DENO=true: resolve, phases, the publisher call, pages and sessions are spans under the request's", async () => {
  const spans: Span[] = [];
  const receiver = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (new URL(req.url).pathname === "/v1/traces") {
      const body = await req.json();
      for (const rs of body.resourceSpans ?? []) {
        for (const ss of rs.scopeSpans ?? []) spans.push(...(ss.spans ?? []));
      }
    } else await req.body?.cancel();
    return Response.json({});
  });
  const root = await tempTree({
    "public/_directory.ts": "export function access() {}",
    "public/m.ts": `import type { Req } from "modts";\n${SESSION_COUNTER}`,
    "public/p.psp": "<p><%= 6 * 7 %></p>",
  });
  const server = await spawnServer([join(root, "public"), "--port", "0"], undefined, undefined, {
    OTEL_DENO: "true",
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.addr.port}`,
    OTEL_BSP_SCHEDULE_DELAY: "100",
  });
  try {
    assert.equal(await (await fetch(`${server.url}m`)).text(), "1");
    assert.equal(await (await fetch(`${server.url}p.psp`)).text(), "<p>42</p>");
    const want = [
      "modts.resolve",
      "modts.phase.access",
      "modts.publisher.call",
      "modts.session.save",
      "modts.page.compile",
      "modts.page.render",
    ];
    // Deno's request spans end (and are exported) after their answers: wait for those too.
    const complete = () =>
      want.every((n) => spans.some((s) => s.name === n)) &&
      spans.filter((s) => s.name === "GET").length >= 2;
    for (let i = 0; i < 200 && !complete(); i++) await new Promise((r) => setTimeout(r, 50));
    const names = new Set(spans.map((s) => s.name));
    for (const name of want) assert.ok(names.has(name), `no ${name} in ${[...names].join(", ")}`);
    // Each modts span hangs under Deno's span of its request (directly, or via another).
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const http = (s: Span): Span | undefined => {
      const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
      return parent === undefined || !parent.name.startsWith("modts.") ? parent : http(parent);
    };
    for (const s of spans.filter((s) => s.name.startsWith("modts."))) {
      assert.equal(http(s)?.name, "GET", `${s.name} is not under a request's span`);
    }
    const call = spans.find((s) => s.name === "modts.publisher.call")!;
    const attr = (k: string) => call.attributes?.find((a) => a.key === k)?.value.stringValue;
    assert.equal(attr("modts.module"), "/m.ts");
    assert.equal(attr("modts.function"), "index");
  } finally {
    assert.equal(await server.stop(), 0);
    await receiver.shutdown();
  }
});
