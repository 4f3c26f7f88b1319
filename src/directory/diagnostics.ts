// The built-in diagnostics page (mod_python's test handler): `DIR/modts-info` in a directory
// whose settings enable it shows the effective settings, options and versions. Off unless a
// `_directory.ts` says `diagnostics: true`; a session secret is never shown.
import { versionText } from "../cli/version.ts";
import { escapeHtml } from "../http/html.ts";
import type { Settings } from "./settings.ts";

export const DIAGNOSTICS_NAME = "modts-info";

function table(rows: [string, unknown][]): string {
  return "<table>\n" +
    rows.map(([k, v]) =>
      `<tr><th>${escapeHtml(k)}</th><td><code>${
        escapeHtml(typeof v === "string" ? v : JSON.stringify(v))
      }</code></td></tr>`
    ).join("\n") + "\n</table>";
}

export function diagnosticsPage(settings: Settings, urlDir: string): Response {
  const { secret, ...session } = settings.session;
  const hooks = Object.entries(settings.hooks).map(([phase, list]) =>
    [phase, list.map((h) => h.name || "(anonymous)").join(", ") || "-"] as [string, string]
  );
  const body = `<!doctype html>
<meta charset="utf-8">
<title>modts diagnostics: ${escapeHtml(urlDir)}</title>
<h1>modts diagnostics: <code>${escapeHtml(urlDir)}</code></h1>
<h2>Settings</h2>
${
    table([
      ["debug", settings.debug],
      ["autoreload", settings.autoreload],
      ["directoryIndex", settings.directoryIndex],
      ["maxBodySize", settings.maxBodySize],
      ["errorDocuments", settings.errorDocuments],
      ["handlers", settings.handlers],
      ["compress", settings.compress],
      ["realm", settings.realm],
      ["session", { ...session, secret: secret ? "(set)" : "(none)" }],
      ["mount", settings.mount?.path ?? "-"],
      ["inputFilters", settings.inputFilters.length],
      ["outputFilters", settings.outputFilters.length],
      ["_directory.ts files", settings.files],
    ])
  }
<h2>Options</h2>
${table(Object.entries(settings.options))}
<h2>Hooks</h2>
${table(hooks)}
<h2>Versions</h2>
<pre>${escapeHtml(versionText())}</pre>
`;
  return new Response(body, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
