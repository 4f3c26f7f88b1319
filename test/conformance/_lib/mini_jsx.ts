// A tiny JSX runtime that renders straight to strings, for the `@jsxImportSource` pragma.
type Props = { children?: unknown } & Record<string, unknown>;
type Component = (props: Props) => string;

function renderChildren(children: unknown): string {
  if (children === null || children === undefined || typeof children === "boolean") return "";
  if (Array.isArray(children)) return children.map(renderChildren).join("");
  return String(children);
}

export function Fragment(props: Props): string {
  return `[${renderChildren(props.children)}]`;
}

export function jsx(tag: string | Component, props: Props, key?: unknown): string {
  if (typeof tag === "function") return tag(props);
  const { children, ...attributes } = props;
  const attrs = Object.entries(attributes).map(([k, v]) => ` ${k}=${JSON.stringify(v)}`).join("");
  const k = key === undefined ? "" : ` key=${JSON.stringify(key)}`;
  return `<${tag}${attrs}${k}>${renderChildren(children)}</${tag}>`;
}
export const jsxs = jsx;

// deno-lint-ignore no-namespace -- the JSX types of this runtime
export namespace JSX {
  export type Element = string;
  export interface IntrinsicElements {
    [name: string]: Record<string, unknown>;
  }
  export interface ElementChildrenAttribute {
    children: unknown;
  }
}
