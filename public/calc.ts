// A publisher demo: each export is a URL, each parameter a form field, typed from this file.

/** GET /calc/add?a=1&b=2 → 3. A missing or non-numeric field is a 400 naming it. */
export function add(a: number, b: number): number {
  return a + b;
}

/** GET /calc/divide?a=1&b=4 → 0.25; dividing by zero answers 400 itself. */
export function divide(a: number, b: number): number | Response {
  if (b === 0) return new Response("Cannot divide by zero.\n", { status: 400 });
  return a / b;
}

/** GET /calc/sum?n=1&n=2&n=3 → JSON; a repeated field arrives as an array. */
export function sum(n: number[] = []) {
  return { count: n.length, total: n.reduce((x, y) => x + y, 0) };
}

/** GET /calc/ → this page. */
export function index(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Calculator · modts</title>
<link rel="stylesheet" href="/assets/site.css"></head>
<body>
<h1>Calculator</h1>
<p>Served by <code>public/calc.ts</code>: its exports are URLs, its parameters form fields.</p>
<form action="/calc/add">
  <input name="a" value="2" size="6"> + <input name="b" value="3" size="6">
  <button>add</button>
</form>
<form action="/calc/divide">
  <input name="a" value="1" size="6"> ÷ <input name="b" value="4" size="6">
  <button>divide</button>
</form>
<ul>
  <li><a href="/calc/sum?n=1&amp;n=2&amp;n=3">/calc/sum?n=1&amp;n=2&amp;n=3</a> (JSON)</li>
  <li><a href="/calc/add?a=one&amp;b=2">/calc/add?a=one&amp;b=2</a> (400: not a number)</li>
  <li><a href="/calc/add?a=1">/calc/add?a=1</a> (400: b is missing)</li>
</ul>
<p><a href="/">back</a></p>
</body>
</html>
`;
}
