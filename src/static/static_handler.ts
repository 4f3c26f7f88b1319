import type { Handler } from "../dispatch/registry.ts";
import { statusPage } from "../http/error_pages.ts";
import type { Req } from "../request/request.ts";
import { FileEntries } from "./file_entry.ts";
import { fileResponse } from "./file_response.ts";

/** Any file that is not a module, a page or private: sent as it is, GET and HEAD only. */
export class StaticHandler implements Handler {
  readonly acceptsPathInfo = false;
  #entries: FileEntries;

  /** `declareLength`: see FileEntries (true when an access log reads Content-Length). */
  constructor({ declareLength }: { declareLength: boolean }) {
    this.#entries = new FileEntries(declareLength);
  }

  handle(req: Req): Response | Promise<Response> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return statusPage(405, undefined, { allow: "GET, HEAD" });
    }
    const entry = this.#entries.get(req.filename, req.target.stat);
    return entry instanceof Promise
      ? entry.then((e) => fileResponse(req.raw, e))
      : fileResponse(req.raw, entry);
  }
}
