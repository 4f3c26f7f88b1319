// Who the client is behind trusted reverse proxies: `Forwarded` (RFC 7239) and the
// X-Forwarded-For / -Proto / -Host convention, believed only when the socket peer is in the
// `--trust-proxy` list. Everything a header says is untrusted input that ends up in access logs,
// so every value returned is validated to a narrow character set and parsing never throws.
//
// Rules chosen where the conventions are loose:
// - The chain is the header's hops followed by the peer. Walking from the right, the client is
//   the first hop that is not trusted; when every hop is trusted, the left-most one.
// - `unknown` and obfuscated identifiers (`_hidden`, RFC 7239 §6) are untrusted hops: the walk
//   stops there and the client is that token, as written (minus any port).
// - A hop that is neither an address nor such a token (or a syntactically broken Forwarded
//   element) stops the walk and the client is the previous valid hop, i.e. the trusted proxy
//   that passed the garbage on (the peer when it is the right-most). Header text is never
//   echoed, so a client string is the peer, an IP literal, or `[A-Za-z0-9._-]`.
// - Addresses are returned as written with brackets, port and zone id removed; IPv4-mapped
//   IPv6 is left mapped (it still matches IPv4 trust entries).
// - When `Forwarded` is present (non-blank, at most 8 KiB) it wins and X-Forwarded-* are not
//   read. The proxy must then set or strip `Forwarded` itself, or a client could supply one.
// - Only the right-most 32 hops/elements are looked at; headers over 8 KiB are ignored.
// Hand-written because npm's proxy-addr reads only X-Forwarded-For, from a Node request, and
// `has` here must not allocate: it runs for every request from a trusted proxy.

/** Thrown by `parseTrustList` for a malformed entry; the message is one line naming it. */
export class TrustListError extends Error {
  override name = "TrustListError";
}

/** Addresses and CIDRs whose forwarding headers are believed. */
export interface TrustList {
  /** Whether `address` (a literal IP, zone id allowed, no brackets or port) is in the list. */
  has(address: string): boolean;
  readonly empty: boolean;
}

/** What trusted forwarding headers say about the client. */
export interface Forwarded {
  /** An IP address, or an `unknown` / `_obfuscated` token from the header. */
  client: string;
  /** From `proto=` / X-Forwarded-Proto; undefined when absent or neither http nor https. */
  https: boolean | undefined;
  /** From `host=` / X-Forwarded-Host, a validated host[:port]; undefined when absent/invalid. */
  host: string | undefined;
}

const MAX_HOPS = 32;
const MAX_HEADER = 8192;
const MAX_HOP_LENGTH = 100;

// ---- Address parsing, into four 32-bit words; IPv4 is stored as ::ffff:a.b.c.d so that one
// table covers both families and IPv4-mapped peers. Works on char codes into scratch arrays so
// `has` allocates nothing.

const GROUPS = new Uint16Array(8);
const SCRATCH = new Int32Array(4);

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Strict dotted quad (no leading zeros: they read as octal elsewhere) → uint32, or -1. */
function parseV4(s: string, i: number, end: number): number {
  let parts = 0, acc = 0, value = 0, digits = 0;
  for (; i <= end; i++) {
    const c = i < end ? s.charCodeAt(i) : 46; // a final '.' closes the last part
    if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return -1;
      value = value * 10 + c - 48;
      digits++;
      if (value > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || parts === 4) return -1;
      acc = acc * 256 + value;
      parts++;
      value = 0;
      digits = 0;
    } else return -1;
  }
  return parts === 4 ? acc : -1;
}

function parseV6(s: string, i: number, end: number, out: Int32Array): boolean {
  let n = 0, gap = -1;
  if (i + 1 < end && s.charCodeAt(i) === 58 && s.charCodeAt(i + 1) === 58) {
    gap = 0;
    i += 2;
  } else if (i >= end || s.charCodeAt(i) === 58) return false;
  while (i < end) {
    const start = i;
    let value = 0;
    for (; i < end && i - start < 5; i++) {
      const h = hexValue(s.charCodeAt(i));
      if (h < 0) break;
      value = value * 16 + h;
    }
    if (i < end && s.charCodeAt(i) === 46) { // trailing dotted quad: the last two groups
      const v4 = n > 6 ? -1 : parseV4(s, start, end);
      if (v4 < 0) return false;
      GROUPS[n++] = v4 >>> 16;
      GROUPS[n++] = v4 & 0xffff;
      break;
    }
    if (i === start || i - start > 4 || n === 8) return false;
    GROUPS[n++] = value;
    if (i === end) break;
    if (s.charCodeAt(i++) !== 58 || i === end) return false;
    if (s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    }
  }
  if (gap < 0 ? n !== 8 : n > 7) return false;
  const zeros = gap < 0 ? 0 : 8 - n;
  for (let w = 0; w < 4; w++) {
    let word = 0;
    for (let k = 2 * w; k < 2 * w + 2; k++) {
      const g = gap < 0 || k < gap ? GROUPS[k] : k < gap + zeros ? 0 : GROUPS[k - zeros];
      word = (word << 16) | g;
    }
    out[w] = word;
  }
  return true;
}

function isZoneChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 ||
    c === 46 || c === 95 || c === 126;
}

/** A literal IPv4 or IPv6 address (IPv6 may carry a `%zone`, which is ignored) into `out`. */
function parseAddress(s: string, out: Int32Array): boolean {
  let end = s.length, colon = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 58) colon = true;
    else if (c === 37) {
      if (!colon || i + 1 === s.length) return false;
      for (let j = i + 1; j < s.length; j++) if (!isZoneChar(s.charCodeAt(j))) return false;
      end = i;
      break;
    }
  }
  if (colon) return parseV6(s, 0, end, out);
  const v4 = parseV4(s, 0, end);
  if (v4 < 0) return false;
  out[0] = 0;
  out[1] = 0;
  out[2] = 0xffff;
  out[3] = v4 | 0;
  return true;
}

// ---- The trust list.

class CidrList implements TrustList {
  readonly empty: boolean;
  // Entry k is words 4k..4k+3; nets are pre-masked.
  #nets: Int32Array;
  #masks: Int32Array;
  /** Whether a Unix socket's peer (whose address is "") is trusted. */
  #unix: boolean;

  constructor(nets: number[], masks: number[], unix: boolean) {
    this.#nets = Int32Array.from(nets);
    this.#masks = Int32Array.from(masks);
    this.#unix = unix;
    this.empty = nets.length === 0 && !unix;
  }

  has(address: string): boolean {
    if (address === "") return this.#unix;
    if (this.empty || !parseAddress(address, SCRATCH)) return false;
    const nets = this.#nets, masks = this.#masks;
    const a0 = SCRATCH[0], a1 = SCRATCH[1], a2 = SCRATCH[2], a3 = SCRATCH[3];
    for (let i = 0; i < nets.length; i += 4) {
      if (
        (a3 & masks[i + 3]) === nets[i + 3] && (a2 & masks[i + 2]) === nets[i + 2] &&
        (a1 & masks[i + 1]) === nets[i + 1] && (a0 & masks[i]) === nets[i]
      ) return true;
    }
    return false;
  }
}

function entryError(entry: string, why: string): TrustListError {
  const shown = entry.length > 80 ? entry.slice(0, 80) + "…" : entry;
  return new TrustListError(`Invalid trust-proxy entry ${JSON.stringify(shown)}: ${why}`);
}

/**
 * A parsed trust list: IPv4/IPv6 literals and CIDRs, comma-separated or as an array, and `unix`
 * for peers on a Unix socket (whose address is ""). Host bits
 * below the prefix are ignored (`10.1.2.3/8` is `10.0.0.0/8`). An IPv4 entry also matches its
 * IPv4-mapped IPv6 form, and an IPv6 prefix covering ::ffff:0:0/96 (e.g. `::/0`) matches IPv4.
 * Throws TrustListError (extends Error, message is one line naming the bad entry) on a
 * malformed entry.
 */
export function parseTrustList(list: string | readonly string[]): TrustList {
  const entries = typeof list === "string" ? (list.trim() === "" ? [] : list.split(",")) : list;
  const nets: number[] = [], masks: number[] = [];
  const words = new Int32Array(4);
  let unix = false;
  for (const raw of entries) {
    if (typeof raw !== "string") throw entryError(String(raw), "not a string");
    const entry = raw.trim();
    if (entry === "") throw entryError(entry, "empty entry (a doubled or trailing comma?)");
    if (entry === "unix") { // the peer of a Unix socket: a local proxy, which has no address
      unix = true;
      continue;
    }
    const slash = entry.indexOf("/");
    const address = slash < 0 ? entry : entry.slice(0, slash);
    if (!parseAddress(address, words)) {
      throw entryError(
        entry,
        /^[A-Za-z0-9.-]+$/.test(address) && /[g-z]/i.test(address)
          ? "hostnames are not accepted, only literal IP addresses and CIDRs (e.g. 127.0.0.1, ::1)"
          : "not an IP address or CIDR",
      );
    }
    const max = address.includes(":") ? 128 : 32;
    let bits = 128;
    if (slash >= 0) {
      const prefix = entry.slice(slash + 1);
      if (!/^(?:0|[1-9][0-9]{0,2})$/.test(prefix) || Number(prefix) > max) {
        throw entryError(entry, `the prefix length must be 0..${max}`);
      }
      bits = Number(prefix) + 128 - max;
    }
    for (let w = 0; w < 4; w++) {
      const b = Math.min(32, Math.max(0, bits - 32 * w));
      const mask = b === 0 ? 0 : (-1 << (32 - b)) | 0; // `-1 << 32` would be -1, hence b === 0
      masks.push(mask);
      nets.push(words[w] & mask);
    }
  }
  return new CidrList(nets, masks, unix);
}

// ---- Hops and header values.

const OBFUSCATED = /^_[A-Za-z0-9._-]+$/;
const PORT = /^(?:[0-9]{1,5}|_[A-Za-z0-9._-]+)$/;
const HOST = /^(?:\[([0-9A-Fa-f:.]+)\]|[A-Za-z0-9._-]+)(?::([0-9]{1,5}))?$/;

interface Hop {
  value: string;
  /** False for `unknown` / `_obfuscated`, which are never trusted. */
  ip: boolean;
}

/** One node identifier (`1.2.3.4`, `1.2.3.4:80`, `[v6]:80`, bare v6, `unknown`, `_x`), or null. */
function parseHop(v: string): Hop | null {
  if (v.length === 0 || v.length > MAX_HOP_LENGTH) return null;
  let node = v;
  if (v.charCodeAt(0) === 91) { // '['
    const close = v.indexOf("]");
    if (close < 0) return null;
    if (close + 1 < v.length && (v[close + 1] !== ":" || !PORT.test(v.slice(close + 2)))) {
      return null;
    }
    node = v.slice(1, close);
    if (!node.includes(":")) return null; // brackets only hold IPv6
  } else {
    // One colon is a port; more is a bare IPv6 address (lenient, for X-Forwarded-For).
    const colon = v.indexOf(":");
    if (colon >= 0 && colon === v.lastIndexOf(":")) {
      if (!PORT.test(v.slice(colon + 1))) return null;
      node = v.slice(0, colon);
    }
  }
  if (OBFUSCATED.test(node) || node.toLowerCase() === "unknown") return { value: node, ip: false };
  if (!parseAddress(node, SCRATCH)) return null;
  const zone = node.indexOf("%");
  return { value: zone < 0 ? node : node.slice(0, zone), ip: true };
}

function parseProto(v: string): boolean | undefined {
  const p = v.toLowerCase();
  return p === "https" ? true : p === "http" ? false : undefined;
}

/** A host[:port] with nothing that could smuggle a path, credentials or log-breaking bytes. */
function parseHost(v: string): string | undefined {
  if (v.length > 261) return undefined;
  const m = HOST.exec(v);
  if (m === null) return undefined;
  if (m[1] !== undefined && (!m[1].includes(":") || !parseAddress(m[1], SCRATCH))) return undefined;
  if (m[2] !== undefined && Number(m[2]) > 65535) return undefined;
  return v;
}

/** A header value worth reading: present, not blank, not oversized. */
function usable(v: string | null): v is string {
  return v !== null && v.length <= MAX_HEADER && v.trim() !== "";
}

// ---- Forwarded (RFC 7239).

interface Element {
  /** Syntactically broken: not written by a well-behaved proxy. */
  bad: boolean;
  for?: string;
  https?: boolean;
  host?: string;
}

// RFC 9110 tchar, for parameter names.
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TCHAR[c.charCodeAt(0)] = 1;
}

function isOws(c: number): boolean {
  return c === 32 || c === 9;
}

const BAD: Element = Object.freeze({ bad: true });

/** One element, `pair *( ";" pair )`, between top-level commas at [start, end). */
function parseElement(h: string, start: number, end: number): Element {
  const el: Element = { bad: false };
  let seen = 0; // bit per known name, to reject duplicates (RFC 7239 §4)
  let i = start;
  while (true) {
    while (i < end && isOws(h.charCodeAt(i))) i++;
    if (i === end) return el;
    if (h.charCodeAt(i) === 59) { // empty pair
      i++;
      continue;
    }
    const nameStart = i;
    while (i < end && h.charCodeAt(i) < 128 && TCHAR[h.charCodeAt(i)] === 1) i++;
    if (i === nameStart || i === end || h.charCodeAt(i) !== 61) return BAD;
    const name = h.slice(nameStart, i).toLowerCase();
    i++;
    let value = "";
    if (i < end && h.charCodeAt(i) === 34) { // quoted-string
      i++;
      let closed = false;
      while (i < end) {
        let c = h.charCodeAt(i++);
        if (c === 34) {
          closed = true;
          break;
        }
        if (c === 92) {
          if (i === end) return BAD;
          c = h.charCodeAt(i++);
        }
        if ((c < 32 && c !== 9) || c === 127 || c > 255) return BAD;
        value += String.fromCharCode(c);
      }
      if (!closed) return BAD;
    } else { // a token, leniently: any visible ASCII but the delimiters (`for=1.2.3.4:80`)
      const valueStart = i;
      for (; i < end; i++) {
        const c = h.charCodeAt(i);
        if (c <= 32 || c >= 127 || c === 59) break;
        if (c === 34) return BAD;
      }
      if (i === valueStart) return BAD;
      value = h.slice(valueStart, i);
    }
    while (i < end && isOws(h.charCodeAt(i))) i++;
    if (i < end && h.charCodeAt(i++) !== 59) return BAD;
    const bit = name === "for"
      ? 1
      : name === "proto"
      ? 2
      : name === "host"
      ? 4
      : name === "by"
      ? 8
      : 0;
    if (seen & bit) return BAD;
    seen |= bit;
    if (bit === 1) el.for = value;
    else if (bit === 2) el.https = parseProto(value);
    else if (bit === 4) el.host = parseHost(value);
  }
}

/** The right-most MAX_HOPS elements, split at commas outside quoted strings. */
function elements(h: string): Element[] {
  const commas: number[] = [];
  let quoted = false;
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    if (quoted) {
      if (c === 92) i++;
      else if (c === 34) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 44) commas.push(i);
  }
  const out: Element[] = [];
  for (let k = Math.max(0, commas.length + 1 - MAX_HOPS); k <= commas.length; k++) {
    out.push(
      parseElement(h, k === 0 ? 0 : commas[k - 1] + 1, k < commas.length ? commas[k] : h.length),
    );
  }
  return out;
}

function fromForwarded(trust: TrustList, peer: string, h: string): Forwarded {
  const els = elements(h);
  let client = peer;
  // Elements from `from` on were appended by trusted proxies (each element is added by the
  // node named in the next one, or by the peer), so only they may supply proto and host.
  let from = els.length;
  for (let i = els.length - 1; i >= 0; i--) {
    const el = els[i];
    if (el.bad) break;
    from = i;
    if (el.for === undefined) continue; // e.g. a proxy that only says `proto=https`
    const hop = parseHop(el.for);
    if (hop === null) {
      from = i + 1;
      break;
    }
    client = hop.value;
    if (!hop.ip || !trust.has(hop.value)) break;
  }
  // proto and host describe the connection the element's `for` made, so take them from the
  // client's own element, else the nearest trusted one to its right. (Not simply the
  // right-most: behind CDN → load balancer, the balancer's element says proto=http.)
  let https: boolean | undefined, host: string | undefined;
  for (let i = from; i < els.length; i++) {
    https ??= els[i].https;
    host ??= els[i].host;
  }
  return { client, https, host };
}

// ---- X-Forwarded-*.

function fromXForwardedFor(trust: TrustList, peer: string, h: string | null): string {
  let client = peer;
  if (!usable(h)) return client;
  let end = h.length;
  for (let n = 0; n < MAX_HOPS; n++) {
    const comma = end === 0 ? -1 : h.lastIndexOf(",", end - 1);
    const hop = parseHop(h.slice(comma + 1, end).trim());
    if (hop === null) break;
    client = hop.value;
    if (!hop.ip || !trust.has(hop.value) || comma < 0) break;
    end = comma;
  }
  return client;
}

/** The right-most value of a comma list: the one the nearest proxy set. */
function lastValue(h: string): string {
  return h.slice(h.lastIndexOf(",") + 1).trim();
}

/**
 * What the headers say, for a request whose socket peer is `peer`; null when peer is not
 * trusted or no forwarding header is present. `get` reads one request header (lower-case name)
 * — it is called only after the peer is found trusted, because reading headers is costly on the
 * hot path.
 */
export function forwardedFor(
  trust: TrustList,
  peer: string,
  get: (name: string) => string | null,
): Forwarded | null {
  if (trust.empty || !trust.has(peer)) return null;
  const forwarded = get("forwarded");
  if (usable(forwarded)) return fromForwarded(trust, peer, forwarded);
  const xff = get("x-forwarded-for");
  const proto = get("x-forwarded-proto");
  const host = get("x-forwarded-host");
  if (!usable(xff) && !usable(proto) && !usable(host)) return null;
  return {
    client: fromXForwardedFor(trust, peer, xff),
    https: usable(proto) ? parseProto(lastValue(proto)) : undefined,
    host: usable(host) ? parseHost(lastValue(host)) : undefined,
  };
}
