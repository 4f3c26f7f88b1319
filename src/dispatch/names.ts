// Which names under the document root may be reached at all, and what kind of file a name is.
// Kinds are decided from the lower-cased name, so `HELLO.TS` on a case-insensitive file system
// is still a module and never static text.

/** A file kind: the key of the handler registry. */
export type FileKind = "static" | "module" | "page" | "source";

/**
 * Names that are never served or published: `_*` and `.*` (SPEC §2), plus editor and backup
 * spellings of a source file (`x.ts~`, `#x.ts#`, `x.ts.`), which would otherwise be static.
 */
export function isPrivateName(name: string): boolean {
  const c = name.charCodeAt(0);
  if (c === 95 /* _ */ || c === 46 /* . */ || c === 35 /* # */) return true;
  const last = name.charCodeAt(name.length - 1);
  return last === 126 /* ~ */ || last === 46 /* . */;
}

/** Characters no path segment may hold once decoded: separators, NUL and other controls. */
// deno-lint-ignore no-control-regex -- control characters are exactly what is refused
const BAD_SEGMENT = /[\/\\\x00-\x1f\x7f]/;

export function isBadSegment(segment: string): boolean {
  return segment === "." || segment === ".." || BAD_SEGMENT.test(segment);
}

// Server-side source in any spelling other than the two handled kinds: other TypeScript
// extensions and backups such as `x.ts.bak`, `x.psp.orig`, `x.ts;1`.
const SOURCE = /\.(ts|tsx|mts|cts|psp)([.;,~#_ ].*)?$/;

export function fileKind(name: string): FileKind {
  const lower = name.toLowerCase();
  if (lower.endsWith(".ts") || lower.endsWith(".tsx")) return "module";
  if (lower.endsWith(".psp")) return "page";
  if (SOURCE.test(lower)) return "source";
  return "static";
}
