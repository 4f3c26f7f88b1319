import { debugPage, statusPage } from "../http/error_pages.ts";
import { HttpError } from "../http/status.ts";
import type { AccessLog } from "../log/access_log.ts";
import { Req, type RequestEnv } from "../request/request.ts";
import type { HandlerRegistry } from "./registry.ts";
import type { Resolver } from "./resolve.ts";

/** What every request shares; the dispatcher adds the remote address. */
export type SiteEnv = Omit<RequestEnv, "remoteAddr">;

/**
 * The one catch-all: URL → resolver → handler by file kind → response, with the error page,
 * the access log and the request's cleanups after the response.
 */
export class Dispatcher {
  constructor(
    private resolver: Resolver,
    private registry: HandlerRegistry,
    private site: SiteEnv,
    private accessLog: AccessLog | null,
  ) {}

  async dispatch(raw: Request, remoteAddr: string): Promise<Response> {
    const url = new URL(raw.url);
    let req: Req | undefined;
    let res: Response;
    try {
      const r = await this.resolver.resolve(url.pathname);
      if (r.type === "target") {
        req = new Req(raw, url, r.target, { ...this.site, remoteAddr });
        const handler = this.registry.get(r.target.kind)!;
        res = await req.run((q) => handler.handle(q));
      } else if (r.type === "redirect") {
        res = new Response(null, { status: 301, headers: { location: r.location + url.search } });
      } else {
        res = statusPage(r.status);
      }
    } catch (e) {
      res = this.#errorResponse(e, url);
    }
    if (req?.hasCleanups) res = afterBody(res, () => req!.cleanup());
    this.accessLog?.record({
      raw,
      url,
      remoteAddr,
      user: req?.user,
      status: res.status,
      bytes: res.headers.get("content-length"),
      time: new Date(),
    });
    return res;
  }

  #errorResponse(e: unknown, url: URL): Response {
    if (e instanceof HttpError) return statusPage(e.status, e.message, e.headers);
    this.site.log(`error serving ${url.pathname}: ${e instanceof Error ? e.stack : e}`);
    return this.site.debug ? debugPage(e, url.pathname) : statusPage(500);
  }
}

/** `res` with `done` run once its body has been sent or abandoned (at once if it has none). */
function afterBody(res: Response, done: () => Promise<void>): Response {
  if (res.body === null) {
    setTimeout(done, 0);
    return res;
  }
  const reader = res.body.getReader();
  let finished = false;
  const finish = () => {
    if (!finished) {
      finished = true;
      done();
    }
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          finish();
        } else {
          controller.enqueue(value);
        }
      } catch (e) {
        controller.error(e);
        finish();
      }
    },
    async cancel(reason) {
      await reader.cancel(reason);
      finish();
    },
  });
  return new Response(body, res);
}
