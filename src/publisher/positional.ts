// Reading a positional call (src/client/wire.ts) off the request: the JSON array of its
// arguments, and in a multipart call the files it refers to.
import type { Upload } from "../api/request.ts";
import { HttpError } from "../http/status.ts";
import { MAX_IN_MEMORY, readLimitedText } from "../request/body.ts";
import type { Exchange } from "../request/exchange.ts";
import type { Form } from "../request/form.ts";
import { ARGS_FIELD, ARGS_TYPE, FILE_KEY, FILES_FIELD } from "../client/wire.ts";

/** Nesting deeper than this holds no file reference anyone sends (and bounds the walk). */
const MAX_DEPTH = 32;

/**
 * The call's positional arguments, or null for a call by field names. Only a body says so:
 * `application/vnd.modts.args+json`, or a multipart body with the `modts-args` field.
 */
export function positionalCall(ex: Exchange, form: Form): unknown[] | Promise<unknown[]> | null {
  if (ex.method === "GET" || ex.method === "HEAD") return null;
  const type = ex.headers.get("content-type")?.toLowerCase();
  if (type?.startsWith(ARGS_TYPE)) {
    const max = Math.min(ex.settings.maxBodySize, MAX_IN_MEMORY);
    return readLimitedText(ex.raw, max).then(parseArguments);
  }
  if (type?.startsWith("multipart/form-data") && form.has(ARGS_FIELD)) return withFiles(form);
  return null;
}

function parseArguments(text: string): unknown[] {
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    throw new HttpError(400, "The arguments are not valid JSON.");
  }
  if (!Array.isArray(values)) {
    throw new HttpError(400, "The arguments must be a JSON array, in the order of the parameters.");
  }
  return values;
}

/** The arguments of a multipart call, each `{"$file": n}` replaced by the n-th file. */
function withFiles(form: Form): unknown[] {
  const [json, ...more] = form.getAll(ARGS_FIELD);
  if (typeof json !== "string" || more.length > 0) {
    throw new HttpError(400, `The field ${ARGS_FIELD} must be one JSON array.`);
  }
  const files = form.getAll(FILES_FIELD).filter((f): f is Upload => typeof f !== "string");
  const place = (value: unknown, depth: number): unknown => {
    if (typeof value !== "object" || value === null) return value;
    if (depth > MAX_DEPTH) throw new HttpError(400, "The arguments are nested too deeply.");
    if (Array.isArray(value)) return value.map((v) => place(v, depth + 1));
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === FILE_KEY) {
      const n = (value as Record<string, unknown>)[FILE_KEY];
      const file = Number.isInteger(n) ? files[n as number] : undefined;
      if (file === undefined) throw new HttpError(400, "An argument refers to a missing file.");
      return file;
    }
    const object = value as Record<string, unknown>;
    return Object.fromEntries(keys.map((k) => [k, place(object[k], depth + 1)]));
  };
  return parseArguments(json).map((v) => place(v, 0));
}
