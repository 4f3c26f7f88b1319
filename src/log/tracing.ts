// modts's own spans under Deno's HTTP span, when Deno's built-in OpenTelemetry is on
// (`OTEL_DENO=true`; Deno exports them with its own, see docs/observability.md): resolve, each
// phase that runs a hook, the publisher call, page render and compile, the session's lock wait
// and save. Off, a traced step costs one null test and nothing is loaded.
import type { Attributes, Span, Tracer } from "../deps.ts";
import { loadOpenTelemetry } from "../deps.ts";

let tracer: Tracer | null = null;

/** Whether spans are made (to skip building their attributes when not). */
export function tracing(): boolean {
  return tracer !== null;
}

/** For spans whose name says it all. */
export const NO_ATTRIBUTES: Attributes = {};

/** Loads the OpenTelemetry API when Deno's telemetry is on; once per process. */
export async function initTracing(): Promise<void> {
  if (tracer !== null) return;
  // An interpreter's isolate may not read the environment: no spans from there.
  const readable = Deno.permissions.querySync({ name: "env", variable: "OTEL_DENO" });
  if (readable.state !== "granted") return;
  const on = Deno.env.get("OTEL_DENO");
  if (on !== "true" && on !== "1") return;
  const { trace } = await loadOpenTelemetry();
  tracer = trace.getTracer("modts");
}

function ended<T>(span: Span, value: T): T {
  span.end();
  return value;
}

function failed(span: Span, e: unknown): never {
  span.recordException(e instanceof Error ? e : String(e));
  span.setStatus({ code: 2 }); // ERROR
  span.end();
  throw e;
}

/**
 * `step()` inside a span named `name` (the active one while it runs, so spans it starts are
 * its children); synchronous when `step` is. Without tracing, just `step()`.
 */
export function traced<T>(name: string, attributes: Attributes, step: () => T): T {
  if (tracer === null) return step();
  return tracer.startActiveSpan(name, { attributes }, (span) => {
    try {
      const result = step();
      if (result instanceof Promise) {
        return result.then((v) => ended(span, v), (e) => failed(span, e)) as T;
      }
      return ended(span, result);
    } catch (e) {
      return failed(span, e);
    }
  });
}
