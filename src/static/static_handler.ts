import type { Handler } from "../dispatch/registry.ts";
import { statusPage } from "../http/error_pages.ts";
import type { Exchange } from "../request/exchange.ts";
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

  handle(ex: Exchange): Response | Promise<Response> {
    if (ex.method !== "GET" && ex.method !== "HEAD") {
      return statusPage(405, undefined, { allow: "GET, HEAD" });
    }
    const entry = this.#entries.get(ex.target.file, ex.target.stat);
    return entry instanceof Promise
      ? entry.then((e) => fileResponse(ex.raw, e))
      : fileResponse(ex.raw, entry);
  }
}
