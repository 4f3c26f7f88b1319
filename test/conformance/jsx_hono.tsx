// JSX with the automatic runtime from deno.json (`jsxImportSource: "hono/jsx"`), rendered to
// strings; components from .tsx and .jsx helpers; hono/html; a stack frame in a .tsx file
// (where: only its function, as JSX is compiled code whose frames modts maps only in what it
// shows itself: docs/publisher.md).
import type { FC } from "hono/jsx";
import { html, raw } from "hono/html";
import { topFrame } from "@lib/frames.ts";
import { Card, cardError } from "./_jsx/card.tsx";
import { Badge } from "./_jsx/badge.jsx";

interface ItemProps {
  label: string;
  index?: number;
}

const Item: FC<ItemProps> = ({ label, index = 0 }) => <li data-index={index}>{label}</li>;

function errorHere(): Error {
  const e: Error = new Error("inside jsx_hono.tsx");
  return e;
}

export async function index() {
  const name = `<world> & "friends"`;
  const items = ["a", "b"];
  // deno-lint-ignore jsx-key -- hono/jsx needs no keys
  const list = items.map((label, i) => <Item label={label} index={i} />);
  return {
    simple: (<p>hi {name}</p>).toString(),
    fragment: (
      <>
        <b>1</b>
        <i>2</i>
      </>
    ).toString(),
    component: await (
      <Card title="T">
        <ul>{list}</ul>
        <Badge text="new" />
      </Card>
    ).toString(),
    attributes: (
      <input
        type="checkbox"
        checked
        disabled={false}
        data-x={1}
        style={{ color: "red", fontSize: "2px" }}
      />
    ).toString(),
    children: (
      <div>
        {null}
        {undefined}
        {false}
        {true}
        {0}
        {[1, [2, 3]]}
      </div>
    ).toString(),
    innerHtml: (<div dangerouslySetInnerHTML={{ __html: "<em>raw</em>" }} />).toString(),
    html: html`<div title="${name}">${name}${raw("<br>")}</div>`.toString(),
    errorFrame: topFrame(errorHere(), import.meta.url)?.split("@")[0] ?? null,
    cardFrame: topFrame(cardError(), new URL("./_jsx/card.tsx", import.meta.url).href)
      ?.split("@")[0] ?? null,
  };
}
