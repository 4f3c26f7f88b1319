import type { Handler } from "../dispatch/registry.ts";
import { statusPage } from "../http/error_pages.ts";
import type { Exchange } from "../request/exchange.ts";
import { FileEntries, type FileEntry } from "./file_entry.ts";
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
    return entry instanceof Promise ? entry.then((e) => answer(ex, e)) : answer(ex, entry);
  }
}

function answer(ex: Exchange, entry: FileEntry): Response | Promise<Response> {
  // Nothing but Deno.serve reads the body of the outer request's answer when no output filter
  // is set: it may share the cached bytes.
  const unread = ex.redirects === 0 && ex.settings.outputFilters.length === 0 &&
    ex.outputFilters.length === 0;
  return fileResponse(ex.raw, entry, { unreadWith: unread ? ex.settings.headers : undefined });
}
