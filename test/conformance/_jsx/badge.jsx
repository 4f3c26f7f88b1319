// JSX in a .js file: the same runtime from deno.json.
export function Badge({ text }) {
  return <span class="badge">{text}</span>;
}
