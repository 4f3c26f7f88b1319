// The escape-html algorithm (see shared/reference/libraries.md §5): a regex finds the first
// special character and clean strings are returned untouched; only then a charCode loop runs.
// Written here rather than imported because it is 20 lines and the PSP compiler inlines it.
const SPECIAL = /["'&<>]/;

/** HTML-escapes `&`, `<`, `>`, `"` and `'` in `value` (converted with `String`). */
export function escapeHtml(value: unknown): string {
  const str = String(value);
  const match = SPECIAL.exec(str);
  if (!match) return str;
  let out = "";
  let last = 0;
  for (let i = match.index; i < str.length; i++) {
    let entity: string;
    switch (str.charCodeAt(i)) {
      case 34:
        entity = "&quot;";
        break;
      case 38:
        entity = "&amp;";
        break;
      case 39:
        entity = "&#39;";
        break;
      case 60:
        entity = "&lt;";
        break;
      case 62:
        entity = "&gt;";
        break;
      default:
        continue;
    }
    if (last !== i) out += str.substring(last, i);
    last = i + 1;
    out += entity;
  }
  return last !== str.length ? out + str.substring(last) : out;
}
