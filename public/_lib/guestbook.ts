// The guestbook's entries, in memory: imported by guestbook.psp (`<%@ import %>`) and by
// cards.tsx — one instance for both. `import.meta.hot.data` carries them over when this file
// is edited (a restart starts afresh).
export interface Entry {
  name: string;
  words: string;
}

const FIRST: Entry[] = [
  { name: "Ada", words: "<script>alert('escaped')</script> is shown, not run" },
  { name: "Grace", words: "Pages are compiled once and recompiled when edited." },
];

const kept = import.meta.hot?.data as { entries?: Entry[] } | undefined;
export const entries: Entry[] = kept?.entries ?? [...FIRST];
if (kept) kept.entries = entries;

/** Adds an entry (newest first), keeping at most 50. */
export function sign(name: string, words: string): void {
  entries.unshift({ name: name.slice(0, 40), words: words.slice(0, 200) });
  entries.length = Math.min(entries.length, 50);
}
