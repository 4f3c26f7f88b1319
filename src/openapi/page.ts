// `DIR/modts-openapi.json`: the OpenAPI document of the modules in one directory, served when
// its `_directory.ts` says `openapi: true` (through the phases, like any page).
import type { Settings } from "../directory/settings.ts";
import type { SiteEnv } from "../request/exchange.ts";
import { openApiDocument } from "./document.ts";
import { describeFiles, moduleFiles } from "./modules.ts";

export const OPENAPI_NAME = "modts-openapi.json";

export async function openApiPage(
  settings: Settings,
  dir: string,
  urlDir: string,
  site: SiteEnv,
): Promise<Response> {
  const files = settings.handlers.module ? await moduleFiles(dir) : [];
  const { described, problems } = await describeFiles(
    files,
    site.root,
    site.modules,
    settings.autoreload,
  );
  for (const p of problems) {
    site.log(`${OPENAPI_NAME}: ${p.file}${p.line ? `:${p.line}` : ""} left out: ${p.message}`);
  }
  const doc = openApiDocument(described, { title: `modts: ${urlDir}`, version: "0.0.0" });
  return Response.json(doc, { headers: { "cache-control": "no-cache" } });
}
