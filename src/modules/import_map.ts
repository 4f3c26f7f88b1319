// Import maps as Deno reads them from a deno.json: the WICG algorithm (`imports`, `scopes`,
// prefix keys ending in "/"), plus Deno's own reading of `npm:`/`jsr:` targets — a key mapped
// to `npm:zod@3` also maps `zod/…` to `npm:/zod@3/…`. Hand-written because the import-map
// libraries follow the browser spec alone; this is the part of Deno's resolution that users'
// deno.json files rely on.

/** One specifier map, its keys sorted longest first so that prefixes match the most specific. */
type SpecifierMap = [key: string, target: string][];

export interface ImportMap {
  imports: SpecifierMap;
  /** Scope URL prefixes, longest first. */
  scopes: [prefix: string, map: SpecifierMap][];
}

export const EMPTY_IMPORT_MAP: ImportMap = { imports: [], scopes: [] };

function isUrlLike(specifier: string): boolean {
  return specifier.startsWith("/") || specifier.startsWith("./") ||
    specifier.startsWith("../");
}

/** `specifier` as a URL when it is one (absolute, or relative to `base`); else null (bare). */
export function asUrl(specifier: string, base: string): URL | null {
  if (isUrlLike(specifier)) return new URL(specifier, base);
  try {
    return new URL(specifier);
  } catch {
    return null;
  }
}

function parseMap(map: unknown, base: string, where: string): SpecifierMap {
  if (typeof map !== "object" || map === null || Array.isArray(map)) {
    throw new Error(`${where} must be an object`);
  }
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== "string") throw new Error(`${where}["${key}"] must be a string`);
    const normalKey = asUrl(key, base)?.href ?? key;
    const target = asUrl(value, base)?.href;
    if (target === undefined) {
      throw new Error(`${where}["${key}"]: "${value}" is not a URL or path`);
    }
    out.set(normalKey, target);
  }
  // Deno: a bare key mapped to a package also covers the package's subpaths.
  for (const [key, target] of [...out]) {
    const pkg = /^(npm|jsr):\/?(.+)$/.exec(target);
    if (pkg && !key.endsWith("/") && !out.has(`${key}/`)) {
      out.set(`${key}/`, `${pkg[1]}:/${pkg[2].replace(/\/$/, "")}/`);
    }
  }
  return [...out].sort(([a], [b]) => b.length - a.length);
}

/** Parses `imports` and `scopes` of a deno.json or import map file at `base` (a file URL). */
export function parseImportMap(
  json: { imports?: unknown; scopes?: unknown },
  base: string,
  where: string,
): ImportMap {
  const imports = json.imports === undefined
    ? []
    : parseMap(json.imports, base, `${where}: imports`);
  const scopes: ImportMap["scopes"] = [];
  if (json.scopes !== undefined) {
    if (typeof json.scopes !== "object" || json.scopes === null) {
      throw new Error(`${where}: scopes must be an object`);
    }
    for (const [prefix, map] of Object.entries(json.scopes)) {
      const scope = asUrl(prefix, base)?.href ?? prefix;
      scopes.push([scope, parseMap(map, base, `${where}: scopes["${prefix}"]`)]);
    }
    scopes.sort(([a], [b]) => b.length - a.length);
  }
  return { imports, scopes };
}

function matchMap(normal: string, map: SpecifierMap): string | null {
  for (const [key, target] of map) {
    if (key === normal) return target;
    if (key.endsWith("/") && normal.startsWith(key)) {
      // `npm:/zod@3/` is hierarchical only for joining; Deno spells the result `npm:zod@3/v4`.
      return new URL(normal.slice(key.length), target).href.replace(/^(npm|jsr):\//, "$1:");
    }
  }
  return null;
}

/**
 * What `specifier`, imported from `referrer`, resolves to: a URL (`file:`, `npm:`, `jsr:`,
 * `node:`, `https:`…) as a string, or null for a bare name the map does not know.
 */
export function resolveSpecifier(
  map: ImportMap,
  specifier: string,
  referrer: string,
): string | null {
  const url = asUrl(specifier, referrer);
  const normal = url?.href ?? specifier;
  for (const [prefix, scoped] of map.scopes) {
    if (prefix === referrer || (prefix.endsWith("/") && referrer.startsWith(prefix))) {
      const hit = matchMap(normal, scoped);
      if (hit !== null) return hit;
    }
  }
  return matchMap(normal, map.imports) ?? url?.href ?? null;
}
