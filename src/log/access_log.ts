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
  /** Content-Length of the response, or null when it was streamed without one. */
  bytes: string | null;
  time: Date;
}

/** One line in the Apache combined log format. */
export function combinedLine(e: LogEntry): string {
  const request = `${e.raw.method} ${e.url.pathname}${e.url.search} HTTP/1.1`;
  return `${e.remoteAddr} - ${e.user ? quoted(e.user).slice(1, -1) || "-" : "-"} ` +
    `${clfTime(e.time)} ${quoted(request)} ${e.status} ${e.bytes ?? "-"} ` +
    `${quoted(e.raw.headers.get("referer"))} ${quoted(e.raw.headers.get("user-agent"))}\n`;
}

/**
 * Writes access-log lines to a file (appending) or to stdout ("-"). Lines are queued and
 * written in batches so a request never waits for the disk.
 */
export class AccessLog {
  #queue: string[] = [];
  #writing: Promise<void> | null = null;
  #file: Deno.FsFile | null;
  #encoder = new TextEncoder();

  constructor(target: string) {
    this.#file = target === "-" ? null : Deno.openSync(target, {
      append: true,
      create: true,
      mode: 0o640,
    });
  }

  record(entry: LogEntry): void {
    this.#queue.push(combinedLine(entry));
    this.#writing ??= this.#drain();
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
