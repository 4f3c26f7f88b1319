// Anchor: Eta rendering VIEWS/list.eta per request (100 rows, 4 escaped fields each), with
// its compiled-template cache on: what a user would write by hand with Deno.serve and Eta.
import { Eta } from "eta";

const [views] = Deno.args;
const eta = new Eta({ views, cache: true, autoEscape: true });
const items = Array.from({ length: 100 }, (_, i) => ({
  id: i,
  name: `Item <${i}> & "friends"`,
  note: i % 3 === 0 ? "<b>bold?</b> no: escaped" : `it's #${i}`,
  price: (i * 1.25).toFixed(2),
}));
let hits = 0;
Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(`http://127.0.0.1:${port}/`),
}, (req) => {
  hits++;
  const html = eta.render("list", {
    title: "Items & <things>",
    path: new URL(req.url).pathname,
    hits,
    items,
  });
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
});
