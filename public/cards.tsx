// A publisher module written in JSX: the site's deno.json (here modts's own) sets
// `"jsxImportSource": "hono/jsx"`, and a function returning an element answers text/html.
import { entries } from "./_lib/guestbook.ts";

function Card({ name, words }: { name: string; words: string }) {
  return (
    <li>
      <strong>{name}</strong>: {words}
    </li>
  );
}

/** GET /cards: the guestbook's entries as a JSX page (values are escaped by hono/jsx). */
export function index() {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Cards · modts</title>
        <link rel="stylesheet" href="/assets/site.css" />
      </head>
      <body>
        <h1>Guestbook cards</h1>
        <p>
          Served by <code>public/cards.tsx</code>, reading the same entries as{" "}
          <a href="/guestbook.psp">guestbook.psp</a>.
        </p>
        <ul>{entries.map((e, i) => <Card key={i} name={e.name} words={e.words} />)}</ul>
      </body>
    </html>
  );
}
