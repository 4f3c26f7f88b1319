// Live reload (development, `--live-reload`): every HTML page the site sends ends with a small
// script listening on LIVE_RELOAD_PATH, and a change under the root reloads the open pages.
// Server-sent events rather than a WebSocket: one plain request per tab, which works behind
// the connection limits, proxies and HTTP/2, and EventSource reconnects by itself — to a
// restarted server too, whose new id reloads the page. A burst of changes (a save that writes
// several files, a checkout) is one reload.
import { relative, sep } from "node:path";

/** A private name (`_`), so that no file of the site can be served there. */
export const LIVE_RELOAD_PATH = "/_modts/live-reload";

/** How long the tree must stay quiet before the pages reload. */
const QUIET_MS = 100;

const encoder = new TextEncoder();

const SCRIPT = encoder.encode(
  `\n<script>(()=>{const s=new EventSource(${JSON.stringify(LIVE_RELOAD_PATH)});let id;` +
    `s.addEventListener("hello",(e)=>{if(id&&id!==e.data)location.reload();id=e.data});` +
    `s.addEventListener("reload",()=>location.reload())})()</script>\n`,
);

/** Editors' and tools' own files: a swap file or a backup written beside the real one. */
const NOISE = /(?:^|[\\/])(?:\.[^\\/]*|[^\\/]*~|[^\\/]*\.sw[a-px]|4913)$/;

export class LiveReload {
  readonly #id = crypto.randomUUID();
  readonly #clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  readonly #watcher: Deno.FsWatcher;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #changed = "";

  /** Watches `root`, leaving out `dataDir` (the site's own caches and store) if it lies inside. */
  constructor(readonly root: string, dataDir: string, log: (message: string) => void) {
    const data = relative(root, dataDir);
    const ownData = data === "" || (!data.startsWith("..") && !data.startsWith(sep));
    const watcher = this.#watcher = Deno.watchFs(root, { recursive: true });
    (async () => {
      for await (const event of watcher) {
        if (event.kind === "access") continue;
        for (const path of event.paths) {
          const rel = relative(root, path);
          if (NOISE.test(rel) || rel.split(sep).some((s) => s.startsWith("."))) continue;
          if (ownData && (rel === data || rel.startsWith(data + sep))) continue;
          this.#changedNow(rel);
        }
      }
    })().catch((e) => log(`live reload stopped watching ${root}: ${(e as Error).message}`));
  }

  /** Whether `request` is a page's script asking for the events. */
  isEvents(request: Request): boolean {
    return new URL(request.url).pathname === LIVE_RELOAD_PATH;
  }

  /** The event stream of one tab: a hello with this server's id, then a reload per change. */
  events(): Response {
    let client: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        client = c;
        this.#clients.add(c);
        c.enqueue(encoder.encode(`retry: 500\nevent: hello\ndata: ${this.#id}\n\n`));
      },
      cancel: () => {
        this.#clients.delete(client);
      },
    });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  }

  /** `res` with the script at the end of its body, when it is a whole HTML page. */
  inject(res: Response, method: string): Response {
    if (method === "HEAD" || res.body === null || res.status === 206) return res;
    const type = res.headers.get("content-type");
    // A compressed body cannot be appended to; compression comes after this step.
    if (!type || !/^text\/html\b/i.test(type) || res.headers.has("content-encoding")) return res;
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({ flush: (c) => c.enqueue(SCRIPT) }),
    );
    return new Response(body, { status: res.status, statusText: res.statusText, headers });
  }

  /** Ends every tab's stream (their pages reconnect to the next server) and stops watching. */
  close(): void {
    clearTimeout(this.#timer);
    for (const c of this.#clients) c.close();
    this.#clients.clear();
    try {
      this.#watcher.close();
    } catch { /* closed already */ }
  }

  #changedNow(path: string): void {
    this.#changed = path;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      const message = encoder.encode(
        `event: reload\ndata: ${this.#changed.replace(/[\r\n]/g, " ")}\n\n`,
      );
      for (const c of this.#clients) c.enqueue(message);
    }, QUIET_MS);
  }
}
