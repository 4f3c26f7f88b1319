import { HttpError } from "./status.ts";

// deno-lint-ignore no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * A redirect's target as a Location header carries it: header values are bytes, so text
 * outside printable ASCII is percent-encoded as UTF-8 (as a browser does with a typed URL);
 * control characters (NUL, CR, LF…) are refused with a 400.
 */
export function locationHeader(location: string): string {
  const invalid = () => new HttpError(400, "The redirect location is invalid.");
  if (CONTROL.test(location)) throw invalid();
  try {
    return location.replace(/[^\x21-\x7e]+/g, (text) => encodeURI(text));
  } catch {
    throw invalid(); // a lone surrogate has no UTF-8
  }
}
