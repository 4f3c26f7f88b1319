// Conditional requests and byte ranges, RFC 9110 §13 and §14, in the order §13.2.2 gives.
// Shared by static files and by `req.meetsConditions()`.

export interface Validators {
  /** A full entity-tag, `"x"` or `W/"x"`. */
  etag?: string;
  /** Milliseconds since the epoch, already truncated to whole seconds. */
  lastModified?: number;
}

function opaque(tag: string): string {
  return tag.startsWith("W/") ? tag.slice(2) : tag;
}

function tagList(header: string): string[] {
  return header.split(",").map((t) => t.trim()).filter((t) => t !== "");
}

function matchesStrong(header: string, etag: string | undefined): boolean {
  if (etag === undefined) return false;
  if (header.trim() === "*") return true;
  if (etag.startsWith("W/")) return false;
  return tagList(header).some((t) => t === etag);
}

function matchesWeak(header: string, etag: string | undefined): boolean {
  if (etag === undefined) return false;
  if (header.trim() === "*") return true;
  const mine = opaque(etag);
  return tagList(header).some((t) => opaque(t) === mine);
}

function parseDate(value: string | null): number | undefined {
  if (value === null) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** 200 when the request should proceed, else 304 or 412. */
export function preconditionStatus(
  headers: Headers,
  method: string,
  v: Validators,
): 200 | 304 | 412 {
  const safe = method === "GET" || method === "HEAD";
  const ifMatch = headers.get("if-match");
  if (ifMatch !== null) {
    if (!matchesStrong(ifMatch, v.etag)) return 412;
  } else if (v.lastModified !== undefined) {
    const since = parseDate(headers.get("if-unmodified-since"));
    if (since !== undefined && v.lastModified > since) return 412;
  }
  const ifNoneMatch = headers.get("if-none-match");
  if (ifNoneMatch !== null) {
    if (matchesWeak(ifNoneMatch, v.etag)) return safe ? 304 : 412;
  } else if (safe && v.lastModified !== undefined) {
    const since = parseDate(headers.get("if-modified-since"));
    if (since !== undefined && v.lastModified <= since) return 304;
  }
  return 200;
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * The one byte range to send, "unsatisfiable" (→ 416), or null to ignore the header and send
 * the whole representation: unknown units, syntax errors, several ranges (allowed by §14.2,
 * and it avoids multipart/byteranges) and empty files.
 */
export function parseRange(header: string, size: number): ByteRange | "unsatisfiable" | null {
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || size === 0) return null;
  const [, first, last] = m;
  if (first === "") {
    if (last === "") return null;
    const suffix = Number(last);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return null;
  if (start >= size) return "unsatisfiable";
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return { start, end };
}

/** Whether `If-Range` (if present) lets a Range apply: strong ETag match or exact date. */
export function ifRangeHolds(headers: Headers, v: Validators): boolean {
  const value = headers.get("if-range");
  if (value === null) return true;
  const trimmed = value.trim();
  if (trimmed.startsWith('"') || trimmed.startsWith("W/")) {
    return v.etag !== undefined && !v.etag.startsWith("W/") && trimmed === v.etag;
  }
  const date = parseDate(trimmed);
  return date !== undefined && date === v.lastModified;
}
