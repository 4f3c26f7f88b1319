// The implementation behind mod.ts's `createHandler`: settings checked like a config file's,
// then a site (site.ts) without a listener.
import { resolve } from "node:path";
import type { HandlerSettings, SiteHandler } from "../api/handler.ts";
import { checkSettings } from "../config/config_file.ts";
import { SITE_KEYS, UsageError } from "../config/options.ts";
import { completeConfig } from "../config/resolve_config.ts";
import { openSite } from "./site.ts";

export async function createSiteHandler(settings: HandlerSettings): Promise<SiteHandler> {
  const where = "createHandler";
  if (typeof settings?.root !== "string" || settings.root === "") {
    throw new UsageError(`${where}: settings.root must name the document root`);
  }
  const { root, ...rest } = settings;
  const cwd = Deno.cwd();
  const config = completeConfig(resolve(root), checkSettings(rest, where, cwd, SITE_KEYS));
  const site = await openSite(config);
  return {
    fetch: async (request, info) => await site.fetch(request, info),
    close: () => site.close(),
  };
}
