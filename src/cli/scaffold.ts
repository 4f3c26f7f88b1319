// The files `modts create DIR` writes, relative to DIR.
export const SCAFFOLD: Record<string, string> = {
  "modts.config.json": `{
  "port": 8000,
  "debug": false
}
`,
  "public/index.html": `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>My modts site</title>
  <link rel="stylesheet" href="style.css">
</head>
<body>
  <h1>It works</h1>
  <p>This page is <code>public/index.html</code>. Drop static files, publisher modules
  (<code>*.ts</code>) and server pages (<code>*.psp</code>) next to it.</p>
  <p><a href="/hello/say?what=you">/hello/say?what=you</a> is <code>public/hello.ts</code>;
  <a href="/page.psp">/page.psp</a> is <code>public/page.psp</code>;
  <a href="/visits.psp">/visits.psp</a> keeps a session.</p>
</body>
</html>
`,
  "public/hello.ts": `// A publisher module: GET /hello/say?what=you calls say("you").
import { HttpError, type Req } from "modts";

export function say(what = "world"): string {
  return \`Hello, \${what}!\`;
}

// GET /hello/from: a parameter named req is the request object.
export function from(req: Req): string {
  return \`You came from \${req.remoteAddr}.\`;
}

// GET /hello/teapot: an HttpError answers with its status.
export function teapot(): never {
  throw new HttpError(418, "I'm a teapot.");
}

// GET /hello (no name after the module) calls index.
export function index(): string {
  return '<!doctype html><p>Try <a href="/hello/say?what=you">/hello/say?what=you</a>.</p>';
}
`,
  "public/page.psp": `<%-- A server page: <%= %> escapes, <%~ %> does not, <% %> is code. --%>
<!doctype html>
<title>A page</title>
<link rel="stylesheet" href="style.css">
<% const who = form.get("who") ?? "world"; %>
<h1>Hello, <%= who %>!</h1>
<form><input name="who" value="<%= who %>"> <button>greet</button></form>
<ul>
<% for (let i = 1; i <= 3; i++) { %>  <li>line <%= i %></li>
<% } %></ul>
`,
  "public/visits.psp": `<%-- A session: this page's code uses \`session\`, so it gets one (Deno KV,
     under the data dir). Its data is saved, and its lock released, when the page is done. --%>
<% session.data.visits = (session.data.visits ?? 0) + 1; %>
<!doctype html>
<title>Visits</title>
<link rel="stylesheet" href="style.css">
<p>Visit <%= session.data.visits %> in this browser session.</p>
`,
  "public/style.css":
    `body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; }
`,
};
