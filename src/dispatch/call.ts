// One request on its way through the dispatcher: what came in and from where, and what the
// steps learn about it on the way (its directory's settings, its exchange). The dispatcher's
// steps hand this one record on instead of a row of arguments.
import type { Settings } from "../directory/settings.ts";
import type { UrlParts } from "../http/url_parts.ts";
import type { Exchange, Peer } from "../request/exchange.ts";

/**
 * null for a client's request; else an internal one (an internal redirect, whose request
 * hands over its session and user, or an error document), which the access log skips. An
 * error document's own errors get plain pages: a missing or failing one cannot recurse.
 */
export type Origin = {
  ex?: Exchange;
  /** For an error document: the error it answers and the request that met it. */
  errorDocument?: Exchange["answering"];
} | null;

export interface Call {
  readonly raw: Request;
  /** The path and query the dispatcher routes on. */
  readonly url: UrlParts;
  readonly peer: Peer;
  readonly from: Origin;
  /** The settings of the directory the URL reached, once known. */
  settings?: Settings;
  /** The exchange, once the request names something to run. */
  ex?: Exchange;
}
