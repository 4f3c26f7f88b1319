// The real-time demo: a chat room, in memory. A browser joins at /chat/room/socket with a
// WebSocket (when the server takes them: --websockets) or, failing that, listens to
// /chat/room/events (server-sent events) and posts to /chat/room/say. Names come from the
// session: sign in on /account.psp first, or you are "guest".
import { HttpError, type Req } from "modts";

interface Message {
  from: string;
  text: string;
}

const listeners = new Set<(message: Message) => void>();
/** The last messages, shown to whoever joins. */
const recent: Message[] = [];

function post(from: string, text: string): void {
  text = text.trim().slice(0, 500);
  if (text === "") return;
  const message = { from, text };
  recent.push(message);
  if (recent.length > 20) recent.shift();
  for (const listener of listeners) listener(message);
}

/** Who is speaking: the session is read during the upgrade, and released when it is done. */
async function nameOf(req: Req): Promise<string> {
  const session = await req.session();
  return typeof session.data.user === "string" ? session.data.user : "guest";
}

/** GET /chat/room/socket: a WebSocket; each text frame is a message, every message comes back. */
export async function socket(req: Req): Promise<Response> {
  const from = await nameOf(req);
  const { socket, response } = req.upgradeWebSocket();
  const send = (message: Message) => socket.send(JSON.stringify(message));
  socket.onopen = () => {
    recent.forEach(send);
    listeners.add(send);
  };
  socket.onmessage = (e) => post(from, String(e.data));
  socket.onclose = () => listeners.delete(send);
  return response;
}

/** GET /chat/room/events: the same messages as server-sent events, one event per message. */
export function events(): Response {
  let send: (message: Message) => void;
  const body = new ReadableStream<string>({
    start(controller) {
      send = (message) => controller.enqueue(`data: ${JSON.stringify(message)}\n\n`);
      recent.forEach(send);
      listeners.add(send);
    },
    cancel() {
      listeners.delete(send);
    },
  });
  return new Response(body.pipeThrough(new TextEncoderStream()), {
    headers: { "content-type": "text/event-stream", "cache-control": "no-store" },
  });
}

/** POST /chat/room/say (text=…): a message from a browser without a WebSocket. */
export async function say(req: Req, text: string): Promise<Response> {
  if (req.method !== "POST") throw new HttpError(405, "Post the message.", { allow: "POST" });
  post(await nameOf(req), text);
  return new Response(null, { status: 204 });
}
