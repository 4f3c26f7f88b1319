// The conformance suite: every fixture of test/conformance/ (a document root with its own
// deno.json) gives the same result when modts serves it as when `deno run` imports it.
// The `deno run` side is test/conformance/_run.ts, run once; the modts side is the real server
// on that folder, asked for GET /NAME (the fixture's index()). Each fixture is a step.
import assert from "node:assert/strict";
import { join } from "node:path";
import { PROJECT, serveRoot, type TestServer } from "./helpers.ts";
import { fixtureFiles, fixtureName } from "./conformance/_run.ts";

const ROOT = join(PROJECT, "test", "conformance");

/** The driver under `deno run`, with the fixtures' deno.json and no lock file. */
async function underDenoRun(): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-lock", "--config", join(ROOT, "deno.json"), join(ROOT, "_run.ts")],
    cwd: PROJECT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  const stderr = dec.decode(out.stderr);
  assert.equal(out.code, 0, `deno run test/conformance/_run.ts failed:\n${stderr}`);
  return JSON.parse(dec.decode(out.stdout));
}

/** The body of an error page as text: tags dropped, entities decoded, cut short. */
function pageText(html: string): string {
  const text = html.replace(/<[^>]*>/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&")
    .replace(/\s+/g, " ").trim();
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/** What modts answers for GET /NAME: the JSON it sent, or the status and page it sent instead. */
async function underModts(server: TestServer, name: string): Promise<unknown> {
  const res = await server.fetch(`/${name}`);
  const body = await res.text();
  if (res.status === 200 && res.headers.get("content-type")?.startsWith("application/json")) {
    return JSON.parse(body);
  }
  return { status: res.status, contentType: res.headers.get("content-type"), body: pageText(body) };
}

Deno.test("conformance: each fixture gives under modts what it gives under deno run", async (t) => {
  const names = fixtureFiles(ROOT).map(fixtureName);
  const expected = await underDenoRun();
  assert.deepEqual(Object.keys(expected), names, "the driver ran every fixture, in order");
  await using server = await serveRoot(ROOT, { debug: true });
  for (const name of names) {
    await t.step(name, async () => {
      const want = expected[name] as Record<string, unknown>;
      assert.ok(
        !(typeof want === "object" && want !== null && Object.keys(want).join() === "error"),
        `fixture ${name} fails under deno run itself: ${JSON.stringify(want)}`,
      );
      const got = await underModts(server, name);
      assert.deepEqual(
        got,
        want,
        `fixture ${name}: modts (actual) differs from deno run (expected)`,
      );
    });
  }
});
