import { whenBodyEnds } from "../http/body_end.ts";
import type { UrlParts } from "../http/url_parts.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `[21/Nov/2026:13:31:34 +0000]`, the Common Log Format time, in UTC. */
export function clfTime(d: Date): string {
  return `[${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000]`;
}

function quoted(value: string | null): string {
  if (value === null) return '"-"';
  // deno-lint-ignore no-control-regex -- control characters must not reach the log
  return `"${value.replace(/[\\"]/g, "\\$&").replace(/[\x00-\x1f\x7f]/g, "?")}"`;
}

export interface LogEntry {
  raw: Request;
  url: UrlParts;
  remoteAddr: string;
  user?: string;
  status: number;
  time: Date;
}

/** What a request said, read before its answer: an upgraded request's headers are gone. */
interface RequestFacts {
  protocol: string;
  referer: string | null;
  userAgent: string | null;
}

function facts(raw: Request): RequestFacts {
  try {
    const h = raw.headers;
    // Deno does not say which protocol carried a request; an HTTP/2 request (h2, or h2c
    // with prior knowledge) comes without a Host header, which HTTP/1.1 requires.
    const protocol = h.has("host") ? "HTTP/1.1" : "HTTP/2.0";
    return { protocol, referer: h.get("referer"), userAgent: h.get("user-agent") };
  } catch {
    return { protocol: "HTTP/1.1", referer: null, userAgent: null };
  }
}

/** One line in the Apache combined log format; `bytes` of body sent ("-" for none). */
export function combinedLine(e: LogEntry, f: RequestFacts, bytes: number): string {
  const request = `${e.raw.method} ${e.url.pathname}${e.url.search} ${f.protocol}`;
  return `${e.remoteAddr || "-"} - ${e.user ? quoted(e.user).slice(1, -1) || "-" : "-"} ` +
    `${clfTime(e.time)} ${quoted(request)} ${e.status} ${bytes || "-"} ` +
    `${quoted(f.referer)} ${quoted(f.userAgent)}\n`;
}

/**
 * Writes access-log lines to a file (appending) or to stdout ("-"). Lines are queued and
 * written in batches so a request never waits for the disk.
 */
export class AccessLog {
  /** What each request said, read as it came in (see `arrived`). */
  #facts = new WeakMap<Request, RequestFacts>();
  #queue: string[] = [];
  #writing: Promise<void> | null = null;
  #file: Deno.FsFile | null;
  #encoder = new TextEncoder();
  #prefix: string;

  /** `site`: one of several virtual hosts, named first on each line (Apache's vhost_combined). */
  constructor(target: string, site?: string) {
    this.#prefix = site === undefined ? "" : `${site} `;
    this.#file = target === "-" ? null : Deno.openSync(target, {
      append: true,
      create: true,
      mode: 0o640,
    });
  }

  /**
   * Logs the request `res` answers, with the bytes of body sent: at once when they are known
   * (no body, a Content-Length), else once the body has been sent or abandoned.
   */
  /**
   * Reads what the log needs from a request as it arrives: a handler may upgrade it (a
   * WebSocket), after which its headers and address can no longer be read.
   */
  arrived(raw: Request): void {
    this.#facts.set(raw, facts(raw));
  }

  record(entry: LogEntry, res: Response): Response {
    const f = this.#facts.get(entry.raw) ?? facts(entry.raw);
    const line = (bytes: number) => {
      this.#queue.push(this.#prefix + combinedLine(entry, f, bytes));
      this.#writing ??= this.#drain();
    };
    const length = res.body === null ? "0" : res.headers.get("content-length");
    if (length !== null) {
      line(Number(length));
      return res;
    }
    return new Response(whenBodyEnds(res.body!, line), res);
  }

  async #drain(): Promise<void> {
    // Let the current batch of requests queue their lines first.
    await new Promise((r) => setTimeout(r, 0));
    while (this.#queue.length > 0) {
      const bytes = this.#encoder.encode(this.#queue.join(""));
      this.#queue = [];
      const out = this.#file ?? Deno.stdout;
      for (let at = 0; at < bytes.length;) at += await out.write(bytes.subarray(at));
    }
    this.#writing = null;
  }

  async close(): Promise<void> {
    await this.#writing;
    this.#file?.close();
    this.#file = null;
  }
}
