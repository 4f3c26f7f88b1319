// Anchor: raw Deno.serve answering every request with the bytes of FILE, held in memory.
// With "validators", it also sends the ETag and Last-Modified that modts must send for a
// static file: that shows what those headers alone cost.
const [file, contentType, validators] = Deno.args;
const body = await Deno.readFile(file);
const headers: [string, string][] = [["content-type", contentType]];
if (validators === "validators") {
  const { mtime } = await Deno.stat(file);
  headers.push(
    ["etag", `W/"${body.length.toString(16)}-${mtime!.getTime().toString(16)}"`],
    ["last-modified", mtime!.toUTCString()],
  );
}
Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(`http://127.0.0.1:${port}/`),
}, () => new Response(body, { headers }));
