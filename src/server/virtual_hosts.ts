// `sites` in the config file: one server, several document roots chosen by the request's host
// (port stripped, case-insensitive; behind a trusted proxy, the forwarded host). `*` takes any
// other host; with no match and no `*` the answer is 421 Misdirected Request. Each site is a
// whole site.ts of its own (store, caches, uploads, startup), so they share nothing but the
// listener; together they look like one Site to server.ts.
import type { ServerConfig } from "../config/options.ts";
import { siteConfig } from "../config/resolve_config.ts";
import { statusPage } from "../http/error_pages.ts";
import { parseTrustList } from "../http/forwarded.ts";
import { forwardedBy, NO_PEER } from "../request/exchange.ts";
import { openSite, type Site, type SiteOptions } from "./site.ts";

/** The host a request names, lower case and without its port ("" when it names none). */
export function requestHost(url: string): string {
  const start = url.indexOf("//") + 2;
  let end = url.indexOf("/", start);
  if (end < 0) end = url.length;
  const authority = url.slice(start, end);
  // `[v6]:port`, or `name:port`.
  const colon = authority.startsWith("[")
    ? authority.indexOf(":", authority.indexOf("]"))
    : authority.lastIndexOf(":");
  return (colon < 0 ? authority : authority.slice(0, colon)).toLowerCase();
}

export async function openVirtualHosts(
  config: ServerConfig,
  options: SiteOptions = {},
): Promise<Site> {
  const byHost = new Map<string, Site>();
  const opened: Site[] = [];
  try {
    for (const [host, entry] of Object.entries(config.sites!)) {
      const site = await openSite(siteConfig(config, host, entry), { ...options, name: host });
      opened.push(site);
      byHost.set(host, site);
    }
  } catch (e) {
    await Promise.all(opened.map((s) => s.close()));
    throw e;
  }
  const fallback = byHost.get("*");
  const trust = parseTrustList(config.trustProxy);
  const misdirected = () => statusPage(421, "This server has no site of that name.");

  return {
    fetch(request, info) {
      const forwarded = trust.empty
        ? undefined
        : forwardedBy(trust, request, info ?? NO_PEER)?.host;
      const host = requestHost(forwarded === undefined ? request.url : `//${forwarded}/`);
      const site = byHost.get(host) ?? fallback;
      return site ? site.fetch(request, info) : misdirected();
    },
    fail: (error) => opened[0].fail(error),
    drain: () => opened.forEach((s) => s.drain()),
    listening: (by) => opened.forEach((s) => s.listening(by)),
    close: async () => {
      await Promise.all(opened.map((s) => s.close()));
    },
    log: opened[0].log,
  };
}
