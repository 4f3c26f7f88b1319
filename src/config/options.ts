// The server's settings: one table drives the CLI flags, the config file and the help text.
import { parseTrustList } from "../http/forwarded.ts";

export interface ServerConfig {
  /** The document root (absolute). */
  root: string;
  host: string;
  port: number;
  /** A Unix socket to listen on instead of host and port. */
  unix: string | null;
  /** HTTPS: the certificate chain and its private key (PEM files); both or neither. */
  cert: string | null;
  key: string | null;
  debug: boolean;
  autoreload: boolean;
  /** Session store: a file path, ":memory:" or a KV Connect URL. */
  kv: string;
  dataDir: string;
  /** A file to append the combined log to, "-" for stdout, or null for none. */
  accessLog: string | null;
  /** Largest request body in bytes (413 past it). */
  maxBodySize: number;
  /** Seconds to let in-flight requests finish on SIGINT/SIGTERM. */
  shutdownTimeout: number;
  /** Seconds a handler may take before its request gets a 503; 0: no limit. */
  requestTimeout: number;
  /** Seconds a new connection may take to send a complete request head; 0: no limit. */
  headerTimeout: number;
  /** Seconds a keep-alive connection may sit idle between requests; 0: no limit. */
  idleTimeout: number;
  /** Connections open at once (0: no cap; "auto": learnt when descriptors first run out). */
  maxConnections: number | "auto";
  /** Serve on Deno.serve's listener so WebSocket upgrades work (connection limits then off). */
  websockets: boolean;
  /**
   * Virtual hosts from the config file: host name (or "*") → a site's root and the settings it
   * overrides. null: one site, `root`.
   */
  sites: Record<string, SiteEntry> | null;
  /** Isolates serving the port ("auto": one per CPU). */
  workers: number | "auto";
  /** Peers (addresses, CIDRs) whose Forwarded / X-Forwarded-* headers are believed. */
  trustProxy: string[];
  /** Seconds a file-system answer (stat, URL mapping, module freshness) is trusted. */
  fsTtl: number;
  /** Development: open pages reload when a file under the root changes. */
  liveReload: boolean;
  /** URL prefixes whose code runs in isolates of its own (config file only); null: none. */
  interpreters: Record<string, InterpreterSpec> | null;
}

/** One of `interpreters` (checked in interpreters.ts, docs/interpreters.md). */
export interface InterpreterSpec {
  /** Paths readable besides the interpreter's own directory (absolute). */
  read: string[];
  /** Hosts (`host` or `host:port`) it may connect to. */
  net: string[];
  /** Environment variables it may read. */
  env: string[];
  /** Seconds a request may run before its isolate is terminated; null: the request timeout. */
  timeout: number | null;
  /** Isolates serving the prefix. */
  workers: number;
  /** Megabytes of JavaScript heap: each isolate then runs in a process of its own; null: none. */
  memory: number | null;
}

/** One virtual host: its document root and its own settings (over the top level's). */
export interface SiteEntry {
  root: string;
  settings: Partial<ServerConfig>;
}

/** The settings a site (or `createHandler`) may have of its own; the rest are the listener's. */
export const SITE_KEYS = [
  "debug",
  "autoreload",
  "kv",
  "dataDir",
  "accessLog",
  "maxBodySize",
  "requestTimeout",
  "fsTtl",
  "liveReload",
] as const;

export type Settable = Exclude<keyof ServerConfig, "root" | "sites" | "interpreters">;

export type OptionType =
  | "string"
  | "port"
  | "boolean"
  | "size"
  | "seconds"
  | "count"
  | "addresses"
  | "path"
  | "store";

/** One setting: its flag, its type, its help line (and its config key, for `serve`'s). */
export interface OptionSpec<K extends string = Settable> {
  key: K;
  flag: string;
  type: OptionType;
  arg?: string;
  help: string;
}

export const OPTIONS: readonly OptionSpec[] = [
  {
    key: "host",
    flag: "--host",
    type: "string",
    arg: "HOST",
    help: "address to listen on (127.0.0.1)",
  },
  {
    key: "port",
    flag: "--port",
    type: "port",
    arg: "PORT",
    help: "port; 0 picks a free one (8000)",
  },
  {
    key: "unix",
    flag: "--unix",
    type: "path",
    arg: "PATH",
    help: "listen on this Unix socket instead of HOST:PORT (mode 0660)",
  },
  {
    key: "cert",
    flag: "--cert",
    type: "path",
    arg: "FILE",
    help: "HTTPS (HTTP/2 and 1.1) with this PEM certificate chain; needs --key",
  },
  {
    key: "key",
    flag: "--key",
    type: "path",
    arg: "FILE",
    help: "the certificate's PEM private key",
  },
  { key: "debug", flag: "--debug", type: "boolean", help: "show errors with their stack (off)" },
  {
    key: "autoreload",
    flag: "--autoreload",
    type: "boolean",
    help: "reload edited modules and pages (on; --no-autoreload)",
  },
  {
    key: "liveReload",
    flag: "--live-reload",
    type: "boolean",
    help: "development: open pages reload in the browser when a file changes (off)",
  },
  {
    key: "kv",
    flag: "--kv",
    type: "store",
    arg: "PATH|:memory:|URL",
    help: "session store (DATA_DIR/kv.sqlite3)",
  },
  {
    key: "dataDir",
    flag: "--data-dir",
    type: "path",
    arg: "DIR",
    help: "caches, uploads, sessions (.modts beside ROOT)",
  },
  {
    key: "accessLog",
    flag: "--access-log",
    type: "string",
    arg: "FILE|-",
    help: "combined-format access log (none)",
  },
  {
    key: "maxBodySize",
    flag: "--max-body-size",
    type: "size",
    arg: "BYTES",
    help: "largest request body, e.g. 512K, 100M (100M)",
  },
  {
    key: "shutdownTimeout",
    flag: "--shutdown-timeout",
    type: "seconds",
    arg: "SECONDS",
    help: "wait for in-flight requests on shutdown (10)",
  },
  {
    key: "requestTimeout",
    flag: "--request-timeout",
    type: "seconds",
    arg: "SECONDS",
    help: "a handler still running after this gets a 503; 0: no limit (60)",
  },
  {
    key: "headerTimeout",
    flag: "--header-timeout",
    type: "seconds",
    arg: "SECONDS",
    help: "close a new connection with no complete request head by then; 0: never (10)",
  },
  {
    key: "idleTimeout",
    flag: "--idle-timeout",
    type: "seconds",
    arg: "SECONDS",
    help: "close a keep-alive connection idle this long; 0: never (30)",
  },
  {
    key: "maxConnections",
    flag: "--max-connections",
    type: "count",
    arg: "N|auto",
    help: "connections open at once, then 503; 0: no cap (auto: learnt from the fd limit)",
  },
  {
    key: "websockets",
    flag: "--websockets",
    type: "boolean",
    help: "allow WebSocket upgrades; turns the three limits above off (off)",
  },
  {
    key: "workers",
    flag: "--workers",
    type: "count",
    arg: "N|auto",
    help: "isolates serving the port, sharing it (auto: one per CPU) (1)",
  },
  {
    key: "trustProxy",
    flag: "--trust-proxy",
    type: "addresses",
    arg: "LIST",
    help: "proxies whose Forwarded/X-Forwarded-* headers count, e.g. 127.0.0.1,10.0.0.0/8 (none)",
  },
  {
    key: "fsTtl",
    flag: "--fs-ttl",
    type: "seconds",
    arg: "SECONDS",
    help: "how long edits may go unseen; 0 checks every request (1)",
  },
];

export const DEFAULTS = {
  host: "127.0.0.1",
  port: 8000,
  unix: null,
  cert: null,
  key: null,
  debug: false,
  autoreload: true,
  accessLog: null,
  maxBodySize: 100 * 1024 * 1024,
  shutdownTimeout: 10,
  requestTimeout: 60,
  headerTimeout: 10,
  idleTimeout: 30,
  maxConnections: "auto",
  websockets: false,
  sites: null,
  workers: 1,
  trustProxy: [] as string[],
  fsTtl: 1,
  liveReload: false,
  interpreters: null,
} satisfies Partial<ServerConfig>;

/** A setting with a bad name or value: reported as one line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

const SIZE = /^(\d+)\s*([kmg]i?b?|b)?$/i;
const UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Converts a flag or config-file value to the option's type, or throws a UsageError. */
export function convert(
  spec: OptionSpec<string>,
  value: unknown,
  where: string,
): unknown {
  const bad = (why: string) =>
    new UsageError(`${where}: invalid value ${JSON.stringify(value)} for ${spec.flag}: ${why}`);
  const text = typeof value === "number" ? String(value) : value;
  switch (spec.type) {
    case "boolean":
      if (typeof value === "boolean") return value;
      throw bad("expected true or false");
    case "port": {
      if (typeof text !== "string" || !/^\d+$/.test(text) || Number(text) > 65535) {
        throw bad("expected a port number from 0 to 65535");
      }
      return Number(text);
    }
    case "size": {
      const m = typeof text === "string" ? SIZE.exec(text.trim()) : null;
      if (!m) throw bad("expected a byte count such as 1048576, 512K or 100M");
      return Number(m[1]) * UNITS[(m[2] ?? "").charAt(0).toLowerCase()];
    }
    case "seconds": {
      if (typeof text !== "string" || !/^\d+(\.\d+)?$/.test(text)) throw bad("expected seconds");
      return Number(text);
    }
    case "count": {
      if (text === "auto") return text;
      if (typeof text !== "string" || !/^\d+$/.test(text)) throw bad("expected a count or auto");
      return Number(text);
    }
    case "addresses": {
      // A comma list (flag, file) or an array (file, createHandler) of literal addresses/CIDRs.
      const list = typeof value === "string" ? value.split(",").map((e) => e.trim()) : value;
      if (!Array.isArray(list)) {
        throw bad("expected addresses and CIDRs, e.g. 127.0.0.1,10.0.0.0/8");
      }
      try {
        parseTrustList(list);
      } catch (e) {
        throw bad((e as Error).message);
      }
      return list.filter((e) => e !== "");
    }
    case "string":
    case "path":
      if (typeof value !== "string" || value === "") throw bad("expected a non-empty string");
      return value;
    case "store": {
      if (typeof value !== "string" || value === "") throw bad("expected a non-empty string");
      // A URL of another scheme would otherwise be taken for a relative path (`redis:/…`).
      const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1].toLowerCase();
      if (scheme !== undefined && !["http", "https", "redis", "rediss"].includes(scheme)) {
        throw bad(
          `${scheme}: is not a store modts supports (a file path, :memory:, an https:// KV ` +
            "Connect URL or redis://)",
        );
      }
      return value;
    }
  }
}
