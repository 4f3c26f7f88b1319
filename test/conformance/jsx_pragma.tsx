/** @jsxImportSource mini-jsx */
// @ts-nocheck -- `deno check` (2.9.6) types JSX by deno.json's jsxImportSource even here
// A per-file `@jsxImportSource` pragma overrides deno.json's: a local runtime through the
// import map; keys, fragments and spread props.
const Upper = ({ text }: { text: string }) => <b>{text.toUpperCase()}</b>;

export function index() {
  const props = { id: "spread", title: "t" };
  return {
    element: <p class="x">hello {["wor", "ld"].join("")}</p>,
    keyed: <li key="k1">item</li>,
    fragment: (
      <>
        <i>1</i>
        {2}
      </>
    ),
    spread: <div {...props} data-after="yes" />,
    component: <Upper text="shout" />,
    typeofElement: typeof <span />,
  };
}
