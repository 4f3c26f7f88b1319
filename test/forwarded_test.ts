// Trust lists and the forwarding headers (Forwarded, X-Forwarded-*) behind trusted proxies.
import assert from "node:assert/strict";
import {
  type Forwarded,
  forwardedFor,
  parseTrustList,
  TrustListError,
} from "../src/http/forwarded.ts";

const trust = parseTrustList("127.0.0.1,10.0.0.0/8,::1,fd00::/8");

/** `get` over plain header values (no Headers validation, so raw bytes can be tried). */
function getter(headers: Record<string, string>): (name: string) => string | null {
  return (name) => headers[name] ?? null;
}

function fwd(headers: Record<string, string>, peer = "10.0.0.1"): Forwarded | null {
  return forwardedFor(trust, peer, getter(headers));
}

function client(headers: Record<string, string>, peer = "10.0.0.1"): string | undefined {
  return fwd(headers, peer)?.client;
}

// ---- parseTrustList

Deno.test("trust list: string and array forms, trimmed", () => {
  for (const t of [trust, parseTrustList([" 127.0.0.1 ", "10.0.0.0/8", "::1", "fd00::/8 "])]) {
    assert.equal(t.empty, false);
    assert.equal(t.has("127.0.0.1"), true);
    assert.equal(t.has("127.0.0.2"), false);
    assert.equal(t.has("10.255.255.255"), true);
    assert.equal(t.has("11.0.0.0"), false);
    assert.equal(t.has("9.255.255.255"), false);
    assert.equal(t.has("::1"), true);
    assert.equal(t.has("0:0:0:0:0:0:0:1"), true);
    assert.equal(t.has("::2"), false);
    assert.equal(t.has("fd12:3456::1"), true);
    assert.equal(t.has("fe00::1"), false);
    assert.equal(t.has("2001:db8::1"), false);
  }
});

Deno.test("trust list: empty", () => {
  for (const list of ["", "   ", [] as string[]]) {
    const t = parseTrustList(list);
    assert.equal(t.empty, true);
    assert.equal(t.has("127.0.0.1"), false);
    assert.equal(forwardedFor(t, "127.0.0.1", () => "for=1.2.3.4"), null);
  }
});

Deno.test("trust list: malformed entries throw one-line TrustListErrors", () => {
  const cases: [string | string[], string][] = [
    ["127.0.0.1,,::1", 'Invalid trust-proxy entry "": empty entry (a doubled or trailing comma?)'],
    ["127.0.0.1,", 'Invalid trust-proxy entry "": empty entry (a doubled or trailing comma?)'],
    [["::1", " "], 'Invalid trust-proxy entry "": empty entry (a doubled or trailing comma?)'],
    [
      "localhost",
      'Invalid trust-proxy entry "localhost": hostnames are not accepted, only literal IP ' +
      "addresses and CIDRs (e.g. 127.0.0.1, ::1)",
    ],
    [
      "proxy.example.com/24",
      'Invalid trust-proxy entry "proxy.example.com/24": hostnames are not accepted, only ' +
      "literal IP addresses and CIDRs (e.g. 127.0.0.1, ::1)",
    ],
    ["10.0.0.0/33", 'Invalid trust-proxy entry "10.0.0.0/33": the prefix length must be 0..32'],
    ["::/129", 'Invalid trust-proxy entry "::/129": the prefix length must be 0..128'],
    ["10.0.0.0/", 'Invalid trust-proxy entry "10.0.0.0/": the prefix length must be 0..32'],
    ["10.0.0.0/08", 'Invalid trust-proxy entry "10.0.0.0/08": the prefix length must be 0..32'],
    ["10.0.0.0/-1", 'Invalid trust-proxy entry "10.0.0.0/-1": the prefix length must be 0..32'],
    ["10.0.0.0/8/9", 'Invalid trust-proxy entry "10.0.0.0/8/9": the prefix length must be 0..32'],
    ["10.0.0.0 /8", 'Invalid trust-proxy entry "10.0.0.0 /8": not an IP address or CIDR'],
    ["1.2.3", 'Invalid trust-proxy entry "1.2.3": not an IP address or CIDR'],
    ["1.2.3.4.5", 'Invalid trust-proxy entry "1.2.3.4.5": not an IP address or CIDR'],
    ["256.0.0.1", 'Invalid trust-proxy entry "256.0.0.1": not an IP address or CIDR'],
    ["01.2.3.4", 'Invalid trust-proxy entry "01.2.3.4": not an IP address or CIDR'],
    ["1.2.3.4:80", 'Invalid trust-proxy entry "1.2.3.4:80": not an IP address or CIDR'],
    ["[::1]", 'Invalid trust-proxy entry "[::1]": not an IP address or CIDR'],
    ["::1::2", 'Invalid trust-proxy entry "::1::2": not an IP address or CIDR'],
    [
      "1:2:3:4:5:6:7:8:9",
      'Invalid trust-proxy entry "1:2:3:4:5:6:7:8:9": not an IP address or CIDR',
    ],
    ["1:2:3:4:5:6:7", 'Invalid trust-proxy entry "1:2:3:4:5:6:7": not an IP address or CIDR'],
    ["12345::1", 'Invalid trust-proxy entry "12345::1": not an IP address or CIDR'],
    ["abc", 'Invalid trust-proxy entry "abc": not an IP address or CIDR'],
    ["fe80::1%", 'Invalid trust-proxy entry "fe80::1%": not an IP address or CIDR'],
    ["10.0.0.1%eth0", 'Invalid trust-proxy entry "10.0.0.1%eth0": not an IP address or CIDR'],
    ["1.2.3.4\nx", 'Invalid trust-proxy entry "1.2.3.4\\nx": not an IP address or CIDR'],
  ];
  for (const [list, message] of cases) {
    assert.throws(() => parseTrustList(list), (e: unknown) => {
      assert.ok(e instanceof TrustListError);
      assert.ok(e instanceof Error);
      assert.equal(e.name, "TrustListError");
      assert.equal(e.message, message);
      assert.equal(e.message.includes("\n"), false);
      return true;
    }, JSON.stringify(list));
  }
});

Deno.test("trust list: IPv4 prefix boundaries", () => {
  const all = parseTrustList("0.0.0.0/0");
  assert.equal(all.has("0.0.0.0"), true);
  assert.equal(all.has("255.255.255.255"), true);
  assert.equal(all.has("::ffff:1.2.3.4"), true);
  assert.equal(all.has("2001:db8::1"), false);
  assert.equal(all.has("::1"), false);

  const one = parseTrustList("192.0.2.7/32");
  assert.equal(one.has("192.0.2.7"), true);
  assert.equal(one.has("192.0.2.6"), false);
  assert.equal(one.has("192.0.2.8"), false);

  const pair = parseTrustList("192.0.2.6/31");
  assert.deepEqual(["192.0.2.5", "192.0.2.6", "192.0.2.7", "192.0.2.8"].map((a) => pair.has(a)), [
    false,
    true,
    true,
    false,
  ]);

  const half = parseTrustList("128.0.0.0/1");
  assert.equal(half.has("128.0.0.0"), true);
  assert.equal(half.has("255.1.1.1"), true);
  assert.equal(half.has("127.255.255.255"), false);

  const odd = parseTrustList("172.16.0.0/12");
  assert.equal(odd.has("172.31.255.255"), true);
  assert.equal(odd.has("172.32.0.0"), false);
  assert.equal(odd.has("172.15.255.255"), false);

  // Host bits below the prefix are ignored.
  const loose = parseTrustList("10.1.2.3/8");
  assert.equal(loose.has("10.9.9.9"), true);
  assert.equal(loose.has("11.1.2.3"), false);
});

Deno.test("trust list: IPv6 prefix boundaries and forms", () => {
  const all = parseTrustList("::/0");
  assert.equal(all.has("2001:db8::1"), true);
  assert.equal(all.has("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), true);
  assert.equal(all.has("1.2.3.4"), true, "::/0 covers the IPv4-mapped range too");

  const one = parseTrustList("2001:db8::1/128");
  assert.equal(one.has("2001:db8::1"), true);
  assert.equal(one.has("2001:DB8:0:0:0:0:0:1"), true);
  assert.equal(one.has("2001:db8::2"), false);
  assert.equal(one.has("2001:db8::"), false);

  const pair = parseTrustList("2001:db8::/127");
  assert.equal(pair.has("2001:db8::"), true);
  assert.equal(pair.has("2001:db8::1"), true);
  assert.equal(pair.has("2001:db8::2"), false);

  const net = parseTrustList("2001:db8:0:1::/64");
  assert.equal(net.has("2001:db8:0:1:ffff:ffff:ffff:ffff"), true);
  assert.equal(net.has("2001:db8:0:2::"), false);
  assert.equal(net.has("2001:db8:0:0:ffff:ffff:ffff:ffff"), false);

  const p65 = parseTrustList("2001:db8::/65");
  assert.equal(p65.has("2001:db8::7fff:ffff:ffff:ffff"), true);
  assert.equal(p65.has("2001:db8::8000:0:0:0"), false);

  const p33 = parseTrustList("2001:db8:8000::/33");
  assert.equal(p33.has("2001:db8:ffff::"), true);
  assert.equal(p33.has("2001:db8:7fff::"), false);

  const forms = parseTrustList([
    "::",
    "1::",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8",
    "::1.2.3.4",
    "A:B:C:D:E:F:0:1",
  ]);
  assert.equal(forms.has("0::0"), true);
  assert.equal(forms.has("1:0::"), true);
  assert.equal(forms.has("1:2:3:4:5:6:7:8"), true);
  assert.equal(forms.has("1:2:3:4:5:6:7:0"), true);
  assert.equal(forms.has("0:2:3:4:5:6:7:8"), true);
  assert.equal(forms.has("::102:304"), true);
  assert.equal(forms.has("a:b:c:d:e:f::1"), true);
  assert.equal(forms.has("::3"), false);
});

Deno.test("trust list: IPv4-mapped IPv6 and zone ids", () => {
  assert.equal(trust.has("::ffff:10.1.2.3"), true);
  assert.equal(trust.has("::FFFF:a01:203"), true);
  assert.equal(trust.has("0:0:0:0:0:ffff:127.0.0.1"), true);
  assert.equal(trust.has("::ffff:11.1.2.3"), false);
  assert.equal(trust.has("::10.1.2.3"), false, "IPv4-compatible is not IPv4-mapped");
  assert.equal(trust.has("::fffe:10.1.2.3"), false);

  const mapped = parseTrustList("::ffff:10.0.0.0/104");
  assert.equal(mapped.has("10.1.2.3"), true);
  assert.equal(mapped.has("::ffff:10.1.2.3"), true);
  assert.equal(mapped.has("11.1.2.3"), false);

  const link = parseTrustList("fe80::/10, fe80::1%eth0");
  assert.equal(link.has("fe80::1%eth0"), true);
  assert.equal(link.has("febf::1%2"), true);
  assert.equal(link.has("fec0::1%2"), false);
  const exact = parseTrustList("fe80::1%eth0");
  assert.equal(exact.has("fe80::1%wlan0"), true, "zone ids are ignored");
  assert.equal(exact.has("fe80::1"), true);
});

Deno.test("trust list: has() never throws on garbage", () => {
  const bad = [
    "",
    " ",
    "abc",
    "localhost",
    "1.2.3.4:80",
    "[::1]",
    "::1 ",
    " 10.0.0.1",
    "10.0.0.1/8",
    "1.2.3.4.",
    ".1.2.3.4",
    "1..2.3",
    "10.0.0.01",
    "::1%",
    "::1%a b",
    "10.0.0.1%eth0",
    ":::",
    "1:2:3:4:5:6:7:8::",
    "::1.2.3",
    "1:2:3:4:5:6:7:1.2.3.4",
    "::ffff:1.2.3.4.5",
    "g::1",
    "1:",
    ":1",
    "x".repeat(10000),
  ];
  for (const a of bad) assert.equal(trust.has(a), false, JSON.stringify(a));
});

// ---- forwardedFor: who gets believed

Deno.test("forwardedFor: untrusted peers are ignored without reading headers", () => {
  const read: string[] = [];
  const get = (name: string) => {
    read.push(name);
    return "for=1.2.3.4";
  };
  for (const peer of ["192.0.2.1", "11.0.0.1", "::2", "2001:db8::1", "garbage", "", "[::1]"]) {
    assert.equal(forwardedFor(trust, peer, get), null);
  }
  assert.deepEqual(read, []);
});

Deno.test("forwardedFor: trusted peer forms", () => {
  const h = { forwarded: "for=192.0.2.9" };
  for (const peer of ["127.0.0.1", "10.0.0.1", "::1", "fd00::5", "::ffff:127.0.0.1"]) {
    assert.deepEqual(fwd(h, peer), { client: "192.0.2.9", https: undefined, host: undefined });
  }
  const link = parseTrustList("fe80::/10");
  assert.equal(forwardedFor(link, "fe80::1%lo", getter(h))?.client, "192.0.2.9");
});

Deno.test("forwardedFor: no forwarding header → null", () => {
  const read: string[] = [];
  const result = forwardedFor(trust, "10.0.0.1", (name) => {
    read.push(name);
    return null;
  });
  assert.equal(result, null);
  assert.deepEqual(read, ["forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"]);
  assert.equal(fwd({ forwarded: "", "x-forwarded-for": "  " }), null);
  assert.equal(fwd({ "x-real-ip": "1.2.3.4" }), null);
});

// ---- Forwarded

Deno.test("Forwarded: the RFC 7239 example", () => {
  const h = {
    forwarded: "for=192.0.2.60;proto=http;by=203.0.113.43, for=198.51.100.17;proto=https",
  };
  assert.deepEqual(fwd(h), { client: "198.51.100.17", https: true, host: undefined });
  // With the second hop trusted too, the walk reaches the first element, and its proto.
  const both = parseTrustList("10.0.0.0/8,198.51.100.17");
  assert.deepEqual(forwardedFor(both, "10.0.0.1", getter(h)), {
    client: "192.0.2.60",
    https: false,
    host: undefined,
  });
});

Deno.test("Forwarded: walks the chain from the right", () => {
  assert.equal(client({ forwarded: "for=192.0.2.1, for=10.0.0.2, for=10.0.0.3" }), "192.0.2.1");
  // A client-supplied element left of the first untrusted hop is not believed.
  assert.equal(client({ forwarded: "for=6.6.6.6, for=192.0.2.1, for=10.0.0.2" }), "192.0.2.1");
  assert.equal(client({ forwarded: "for=10.0.0.9, for=192.0.2.1" }), "192.0.2.1");
  // All trusted: the left-most.
  assert.equal(client({ forwarded: "for=10.0.0.5, for=127.0.0.1, for=::1" }), "10.0.0.5");
  assert.equal(client({ forwarded: "for=10.0.0.5" }), "10.0.0.5");
  // Comma-joined header lines, as Headers.get combines them.
  const headers = new Headers([["forwarded", "for=6.6.6.6"], ["forwarded", "for=10.0.0.7"]]);
  assert.equal(headers.get("forwarded"), "for=6.6.6.6, for=10.0.0.7");
  assert.equal(forwardedFor(trust, "127.0.0.1", (n) => headers.get(n))?.client, "6.6.6.6");
});

Deno.test("Forwarded: IPv6, IPv4-mapped, ports and zones", () => {
  assert.equal(client({ forwarded: 'for="[2001:db8:cafe::17]:4711"' }), "2001:db8:cafe::17");
  assert.equal(client({ forwarded: 'for="[2001:db8::1]"' }), "2001:db8::1");
  assert.equal(client({ forwarded: 'for="[2001:db8::1]:_port"' }), "2001:db8::1");
  assert.equal(client({ forwarded: 'for="[fe80::1%25eth0]:80"' }), "fe80::1");
  assert.equal(client({ forwarded: 'for="192.0.2.43:47011"' }), "192.0.2.43");
  assert.equal(client({ forwarded: "for=192.0.2.43:47011" }), "192.0.2.43", "lenient unquoted");
  assert.equal(client({ forwarded: 'for="2001:db8::1"' }), "2001:db8::1", "lenient unbracketed");
  // Trusted hops in v6 and mapped form are walked past.
  assert.equal(
    client({ forwarded: 'for=192.0.2.1, for="[fd00::2]", for="[::1]:99"' }),
    "192.0.2.1",
  );
  assert.equal(client({ forwarded: 'for=192.0.2.1, for="[::ffff:10.1.2.3]"' }), "192.0.2.1");
  assert.equal(client({ forwarded: 'for="[::ffff:192.0.2.1]"' }), "::ffff:192.0.2.1");
  // Malformed brackets and ports are garbage: the previous valid hop (here the peer) stands.
  for (
    const v of [
      '"[2001:db8::1"',
      '"[2001:db8::1]x"',
      '"[2001:db8::1]:"',
      '"[2001:db8::1]:123456"',
      '"[192.0.2.1]"',
      '"192.0.2.1:"',
      '"192.0.2.1:http"',
      '"[::1]:80:80"',
    ]
  ) {
    assert.equal(client({ forwarded: `for=${v}` }), "10.0.0.1", v);
  }
});

Deno.test("Forwarded: unknown and obfuscated identifiers are untrusted hops", () => {
  assert.equal(client({ forwarded: "for=unknown, for=10.0.0.2" }), "unknown");
  assert.equal(client({ forwarded: "for=UNKNOWN" }), "UNKNOWN");
  assert.equal(client({ forwarded: "for=_hidden" }), "_hidden");
  assert.equal(client({ forwarded: 'for="_hidden:_port"' }), "_hidden");
  assert.equal(client({ forwarded: 'for="unknown:4711"' }), "unknown");
  assert.equal(client({ forwarded: "for=_SEVKISEK" }), "_SEVKISEK");
  // The walk stops there: nothing to its left is believed.
  assert.equal(client({ forwarded: "for=192.0.2.1, for=_gw, for=10.0.0.2" }), "_gw");
  // Not quite tokens: garbage, so the previous valid hop.
  assert.equal(client({ forwarded: "for=_, for=10.0.0.2" }), "10.0.0.2");
  assert.equal(client({ forwarded: 'for="_a b", for=10.0.0.2' }), "10.0.0.2");
  assert.equal(client({ forwarded: "for=unknownx, for=10.0.0.2" }), "10.0.0.2");
  assert.equal(client({ forwarded: `for=_${"a".repeat(200)}` }), "10.0.0.1");
});

Deno.test("Forwarded: parameter syntax", () => {
  assert.deepEqual(fwd({ forwarded: "For=192.0.2.1;PROTO=HTTPS;Host=Example.COM" }), {
    client: "192.0.2.1",
    https: true,
    host: "Example.COM",
  });
  // Quoted strings with escapes, and delimiters inside them.
  assert.deepEqual(fwd({ forwarded: 'for="192.0.2.1";host="ex\\ample.com:8080"' }), {
    client: "192.0.2.1",
    https: undefined,
    host: "example.com:8080",
  });
  assert.equal(client({ forwarded: 'for=192.0.2.1;ext="a, for=10.0.0.3; b"' }), "192.0.2.1");
  assert.equal(client({ forwarded: 'for=192.0.2.1;ext="\\"quoted, for=10.0.0.3"' }), "192.0.2.1");
  // Whitespace around ";" and ",", empty pairs and empty elements are tolerated.
  assert.deepEqual(fwd({ forwarded: " for=192.0.2.1 ; proto=https ;; , , for=10.0.0.2 " }), {
    client: "192.0.2.1",
    https: true,
    host: undefined,
  });
  // Unknown parameters and by= are ignored.
  assert.equal(client({ forwarded: "by=10.0.0.1;secret=x;for=192.0.2.1" }), "192.0.2.1");
});

Deno.test("Forwarded: proto and host come from the client's element or trusted ones right of it", () => {
  // CDN (https from the client) → load balancer (http from the CDN): the client's element wins.
  assert.deepEqual(
    fwd({
      forwarded: "for=192.0.2.1;proto=https;host=www.example, for=10.0.0.2;proto=http;host=lb",
    }),
    { client: "192.0.2.1", https: true, host: "www.example" },
  );
  // Missing on the client's element: the nearest trusted element that has it.
  assert.deepEqual(fwd({ forwarded: "for=192.0.2.1, for=10.0.0.2;proto=https;host=a.example" }), {
    client: "192.0.2.1",
    https: true,
    host: "a.example",
  });
  // Forged by the client, left of the first untrusted hop: ignored.
  assert.deepEqual(
    fwd({ forwarded: "for=6.6.6.6;proto=https;host=evil.example, for=192.0.2.1" }),
    { client: "192.0.2.1", https: undefined, host: undefined },
  );
  // A proxy that only states proto/host: the client is the peer.
  assert.deepEqual(fwd({ forwarded: "proto=https;host=www.example" }), {
    client: "10.0.0.1",
    https: true,
    host: "www.example",
  });
  // A proxy with proto only after the chosen hop.
  assert.deepEqual(fwd({ forwarded: "for=192.0.2.1, proto=https" }), {
    client: "192.0.2.1",
    https: true,
    host: undefined,
  });
});

Deno.test("Forwarded: invalid proto and host values are dropped", () => {
  for (const proto of ["ftp", "ws", "wss", '"https "', "''", "http2"]) {
    assert.equal(fwd({ forwarded: `for=192.0.2.1;proto=${proto}` })?.https, undefined, proto);
  }
  assert.equal(fwd({ forwarded: 'for=192.0.2.1;proto="HTTP"' })?.https, false);
  const hosts: [string, string | undefined][] = [
    ["example.com", "example.com"],
    ["example.com:8443", "example.com:8443"],
    ['"[::1]:8080"', "[::1]:8080"],
    ['"[2001:db8::1]"', "[2001:db8::1]"],
    ["192.0.2.1:80", "192.0.2.1:80"],
    ["xn--bcher-kva.example", "xn--bcher-kva.example"],
    ['"a b"', undefined],
    ["evil.example/path", undefined],
    ["user@host", undefined],
    ["host:99999", undefined],
    ["host:", undefined],
    ['"[::1"', undefined],
    ['"[zz::1]"', undefined],
    ['"[1.2.3.4]"', undefined],
    ["a'b", undefined],
    ['"a\\"b"', undefined],
    ["x".repeat(300), undefined],
  ];
  for (const [host, want] of hosts) {
    assert.equal(fwd({ forwarded: `for=192.0.2.1;host=${host}` })?.host, want, host);
  }
});

Deno.test("Forwarded: malformed elements stop the walk at the previous valid hop", () => {
  const peerOnly = { client: "10.0.0.1", https: undefined, host: undefined };
  assert.deepEqual(fwd({ forwarded: "for=192.0.2.1;for=192.0.2.2" }), peerOnly, "duplicate");
  assert.deepEqual(fwd({ forwarded: 'for="192.0.2.1' }), peerOnly, "unterminated quote");
  assert.deepEqual(fwd({ forwarded: "for 192.0.2.1" }), peerOnly, "no =");
  assert.deepEqual(fwd({ forwarded: "for=" }), peerOnly, "empty value");
  assert.deepEqual(fwd({ forwarded: "=192.0.2.1" }), peerOnly, "empty name");
  assert.deepEqual(fwd({ forwarded: 'for="192.0.2.1"x' }), peerOnly, "junk after quote");
  assert.deepEqual(fwd({ forwarded: 'for=192."0.2.1"' }), peerOnly, "quote inside token");
  assert.deepEqual(fwd({ forwarded: "for=192.0.2.1 x" }), peerOnly, "two tokens");
  assert.deepEqual(fwd({ forwarded: 'for="1\\' }), peerOnly, "dangling escape");
  assert.deepEqual(fwd({ forwarded: "for=not-an-ip" }), peerOnly, "hostname");
  assert.deepEqual(fwd({ forwarded: 'for=" 192.0.2.1"' }), peerOnly, "no trimming inside quotes");
  assert.equal(client({ forwarded: "for=192.0.2.1, garbage, for=10.0.0.2" }), "10.0.0.2");
  assert.equal(client({ forwarded: "for=192.0.2.1, for=300.1.1.1, for=10.0.0.2" }), "10.0.0.2");
  assert.deepEqual(
    fwd({ forwarded: "for=192.0.2.1, for=x;proto=https, for=10.0.0.2;proto=http;host=h" }),
    { client: "10.0.0.2", https: false, host: "h" },
    "the garbage element's proto is not believed",
  );
  // Bytes that would break a log line never come back.
  for (
    const bad of [
      'for="192.0.2.1\r\nX-Evil: 1"',
      'for="192.0.2.1\u0000"',
      "for=192.0.2.1\u0007",
      'for="1.2.3.4\\"evil"',
      'for="\u00e9"',
      'for="\u2028"',
    ]
  ) {
    assert.deepEqual(fwd({ forwarded: bad }), peerOnly, JSON.stringify(bad));
  }
});

Deno.test("Forwarded: bounded work", () => {
  // Only the right-most 32 elements are read; all trusted → the left-most of those.
  const chain = Array.from({ length: 40 }, (_, i) => `for=10.0.0.${i}`).join(", ");
  assert.equal(client({ forwarded: chain }), "10.0.0.8");
  assert.equal(client({ forwarded: `for=192.0.2.1, ${chain}` }), "10.0.0.8");
  // Over 8 KiB: ignored as if absent (so X-Forwarded-For is read instead).
  const long = "for=192.0.2.1;ext=" + "a".repeat(8200);
  assert.equal(fwd({ forwarded: long }), null);
  assert.equal(client({ forwarded: long, "x-forwarded-for": "192.0.2.2" }), "192.0.2.2");
  const justFits = "for=192.0.2.1;ext=" + "a".repeat(8192 - 18);
  assert.equal(justFits.length, 8192);
  assert.equal(client({ forwarded: justFits }), "192.0.2.1");
  // Pathological but within limits: no throw, bounded result.
  assert.equal(client({ forwarded: ",".repeat(8000) + "for=192.0.2.1" }), "192.0.2.1");
  assert.equal(client({ forwarded: '"'.repeat(8000) }), "10.0.0.1");
});

// ---- X-Forwarded-*

Deno.test("X-Forwarded-For: walks the chain from the right", () => {
  const xff = (v: string, peer?: string) => client({ "x-forwarded-for": v }, peer);
  assert.equal(xff("192.0.2.1"), "192.0.2.1");
  assert.equal(xff("192.0.2.1, 10.0.0.2"), "192.0.2.1");
  assert.equal(xff("6.6.6.6, 192.0.2.1, 10.0.0.2,127.0.0.1"), "192.0.2.1");
  assert.equal(xff("10.0.0.5, 10.0.0.6"), "10.0.0.5");
  assert.equal(xff("2001:db8::1, ::1, fd00::9"), "2001:db8::1");
  assert.equal(xff("[2001:db8::1]:1234"), "2001:db8::1");
  assert.equal(xff("192.0.2.1:5555, 10.0.0.2:80"), "192.0.2.1");
  assert.equal(xff("::ffff:192.0.2.1, ::ffff:10.0.0.2"), "::ffff:192.0.2.1");
  assert.equal(xff("fe80::1%eth0"), "fe80::1");
  assert.equal(xff("unknown, 10.0.0.2"), "unknown");
  assert.equal(xff("192.0.2.1, _proxy, 10.0.0.2"), "_proxy");
  assert.equal(xff("192.0.2.1", "::ffff:127.0.0.1"), "192.0.2.1");
  // Combined header lines.
  const headers = new Headers([["x-forwarded-for", "6.6.6.6"], ["x-forwarded-for", "10.0.0.7"]]);
  assert.equal(forwardedFor(trust, "127.0.0.1", (n) => headers.get(n))?.client, "6.6.6.6");
});

Deno.test("X-Forwarded-For: garbage stops the walk at the previous valid hop", () => {
  const xff = (v: string) => client({ "x-forwarded-for": v });
  assert.equal(xff("192.0.2.1, not an ip, 10.0.0.2"), "10.0.0.2");
  assert.equal(xff('evil"quote, 10.0.0.2'), "10.0.0.2");
  assert.equal(xff("192.0.2.1, "), "10.0.0.1");
  assert.equal(xff(", 10.0.0.2"), "10.0.0.2");
  assert.equal(xff("192.0.2.1,,10.0.0.2"), "10.0.0.2");
  assert.equal(xff("localhost"), "10.0.0.1");
  assert.equal(xff("192.0.2.1 10.0.0.2"), "10.0.0.1");
  assert.equal(xff("192.0.2.1\r\nx: y"), "10.0.0.1");
  assert.equal(xff("  192.0.2.1  "), "192.0.2.1", "values are trimmed");
  assert.equal(xff("192.0.2.1\t,\t10.0.0.2"), "192.0.2.1");
});

Deno.test("X-Forwarded-For: bounded work", () => {
  const chain = Array.from({ length: 40 }, (_, i) => `10.0.1.${i}`).join(", ");
  assert.equal(client({ "x-forwarded-for": chain }), "10.0.1.8");
  assert.equal(client({ "x-forwarded-for": "192.0.2.1, " + chain }), "10.0.1.8");
  const long = "192.0.2.1," + " ".repeat(8200);
  assert.equal(fwd({ "x-forwarded-for": long }), null);
  assert.equal(client({ "x-forwarded-for": ",".repeat(8000) + "192.0.2.1" }), "192.0.2.1");
});

Deno.test("X-Forwarded-Proto: right-most value, http or https only", () => {
  const proto = (v: string) => fwd({ "x-forwarded-proto": v });
  assert.deepEqual(proto("https"), { client: "10.0.0.1", https: true, host: undefined });
  assert.equal(proto("HTTPS")?.https, true);
  assert.equal(proto("http")?.https, false);
  assert.equal(proto(" Http ")?.https, false);
  assert.equal(proto("http, https")?.https, true);
  assert.equal(proto("https, http")?.https, false);
  assert.equal(proto("https,")?.https, undefined);
  for (const v of ["ftp", "wss", "https x", "http/1.1", '"https"']) {
    assert.equal(proto(v)?.https, undefined, v);
  }
  assert.equal(proto("x".repeat(9000) + ",https"), null, "over 8 KiB: ignored");
});

Deno.test("X-Forwarded-Host: right-most value, validated", () => {
  const host = (v: string) => fwd({ "x-forwarded-host": v })?.host;
  assert.deepEqual(fwd({ "x-forwarded-host": "www.example" }), {
    client: "10.0.0.1",
    https: undefined,
    host: "www.example",
  });
  assert.equal(host("a.example, b.example:8443"), "b.example:8443");
  assert.equal(host(" [::1]:8080 "), "[::1]:8080");
  for (
    const v of [
      "evil.example/path",
      "user@host",
      "a b",
      "a.example,",
      "[zz]",
      "host:port",
      "h\u0000",
      '"quoted"',
      "h;x",
      "h?x",
      "h#x",
      "h\\x",
    ]
  ) {
    assert.equal(host(v), undefined, v);
  }
});

Deno.test("X-Forwarded-*: all together", () => {
  assert.deepEqual(
    fwd({
      "x-forwarded-for": "6.6.6.6, 192.0.2.1, 10.0.0.2",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "www.example",
    }),
    { client: "192.0.2.1", https: true, host: "www.example" },
  );
});

Deno.test("both families present: Forwarded wins and X-Forwarded-* are not read", () => {
  const read: string[] = [];
  const h: Record<string, string> = {
    forwarded: "for=192.0.2.1",
    "x-forwarded-for": "192.0.2.99",
    "x-forwarded-proto": "https",
    "x-forwarded-host": "other.example",
  };
  const result = forwardedFor(trust, "10.0.0.1", (name) => {
    read.push(name);
    return h[name] ?? null;
  });
  assert.deepEqual(result, { client: "192.0.2.1", https: undefined, host: undefined });
  assert.deepEqual(read, ["forwarded"]);
  // Even a Forwarded that says nothing useful wins.
  assert.deepEqual(fwd({ ...h, forwarded: "garbage" }), {
    client: "10.0.0.1",
    https: undefined,
    host: undefined,
  });
  // A blank one does not count as present.
  assert.equal(client({ ...h, forwarded: " " }), "192.0.2.99");
});

Deno.test("fuzz: never throws, never returns log-breaking bytes", () => {
  // Deterministic xorshift, so a failure is reproducible.
  let seed = 0x9e3779b9;
  const rand = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const alphabet = [..."0123456789abcdefABCDEF.:[]%_-,; =\"\\\t\r\n\u0000\u00e9xyz/@'"]
    .concat(["for=", "proto=", "host=", "https", "10.0.0.2", "::1", "unknown", "::ffff:"]);
  const safe = /^[0-9A-Za-z._:-]+$/;
  for (let n = 0; n < 3000; n++) {
    let s = "";
    const len = rand(60);
    for (let i = 0; i < len; i++) s += alphabet[rand(alphabet.length)];
    for (const name of ["forwarded", "x-forwarded-for"]) {
      const r = fwd({ [name]: s, "x-forwarded-host": s });
      if (r === null) continue;
      assert.ok(safe.test(r.client), JSON.stringify([s, r.client]));
      if (r.host !== undefined) assert.ok(/^[0-9A-Za-z._:\[\]-]+$/.test(r.host), r.host);
    }
    assert.equal(typeof trust.has(s), "boolean");
  }
});

Deno.test("trust list: `unix` trusts the address-less peer of a Unix socket, and only that", () => {
  const withUnix = parseTrustList("unix,10.0.0.0/8");
  assert.equal(withUnix.has(""), true);
  assert.equal(withUnix.has("10.1.2.3"), true);
  assert.equal(withUnix.has("127.0.0.1"), false);
  assert.equal(parseTrustList("unix").empty, false);
  assert.equal(parseTrustList("127.0.0.1").has(""), false);
  assert.deepEqual(
    forwardedFor(
      parseTrustList("unix"),
      "",
      (n) => n === "x-forwarded-for" ? "198.51.100.2" : null,
    ),
    { client: "198.51.100.2", https: undefined, host: undefined },
  );
});
