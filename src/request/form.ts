import type { FieldValue, Form as FormApi, Upload } from "../api/request.ts";
import { HttpError } from "../http/status.ts";
import { limitedBody, readLimitedText } from "./body.ts";
import { parseMultipart } from "./multipart.ts";

/**
 * Form fields from the query string and the body, in arrival order; repeats are kept. The
 * public API is `FormApi`; `add` is the parsers'.
 */
export class Form implements FormApi {
  #fields = new Map<string, FieldValue[]>();

  add(name: string, value: FieldValue): void {
    const list = this.#fields.get(name);
    if (list) list.push(value);
    else this.#fields.set(name, [value]);
  }

  /** The first value of `name`. */
  get(name: string): FieldValue | undefined {
    return this.#fields.get(name)?.[0];
  }

  getAll(name: string): FieldValue[] {
    return this.#fields.get(name) ?? [];
  }

  /** The values of `name`, undefined for none (no empty array made per lookup). */
  values(name: string): readonly FieldValue[] | undefined {
    return this.#fields.get(name);
  }

  has(name: string): boolean {
    return this.#fields.has(name);
  }

  keys(): IterableIterator<string> {
    return this.#fields.keys();
  }

  entries(): IterableIterator<[string, FieldValue[]]> {
    return this.#fields.entries();
  }

  get uploads(): Upload[] {
    return [...this.#fields.values()].flat().filter((v): v is Upload => typeof v !== "string");
  }
}

export interface FormLimits {
  /** The whole body. */
  maxBodySize: number;
  /** Bodies held in memory (urlencoded): the smaller of this and maxBodySize applies. */
  maxInMemory: number;
  uploadDir: string;
}

/** The fields of the query string (`search`: `?…` or ""). */
export function queryForm(search: string): Form {
  const form = new Form();
  addQuery(form, search);
  return form;
}

/**
 * Adds the fields of an urlencoded or multipart body to `form` (other bodies are left
 * alone). `track` receives each temporary file as soon as it exists, so that the caller
 * can remove it whatever happens next. Synchronous when there is no body to read.
 */
export function addBody(
  raw: Request,
  form: Form,
  limits: FormLimits,
  track: (path: string) => void,
): Form | Promise<Form> {
  const type = raw.headers.get("content-type")?.toLowerCase();
  if (type === undefined) return form;
  if (
    !type.startsWith("application/x-www-form-urlencoded") &&
    !type.startsWith("multipart/form-data")
  ) return form;
  return parseBody(raw, type, form, limits, track);
}

/**
 * The query string's fields. Plain `a=1&b=x` strings are split directly; anything with `%`
 * or `+` goes through URLSearchParams (exact form-urlencoded decoding). URLSearchParams
 * alone cost about a microsecond per request, a tenth of a small publisher call.
 */
function addQuery(form: Form, search: string): void {
  if (search.length <= 1) return;
  if (search.includes("%") || search.includes("+")) {
    for (const [k, v] of new URLSearchParams(search)) form.add(k, v);
    return;
  }
  for (let at = 1; at < search.length;) {
    let end = search.indexOf("&", at);
    if (end === -1) end = search.length;
    if (end > at) {
      const eq = search.indexOf("=", at);
      if (eq === -1 || eq > end) form.add(search.slice(at, end), "");
      else form.add(search.slice(at, eq), search.slice(eq + 1, end));
    }
    at = end + 1;
  }
}

async function parseBody(
  raw: Request,
  type: string,
  form: Form,
  limits: FormLimits,
  track: (path: string) => void,
): Promise<Form> {
  if (type.startsWith("application/x-www-form-urlencoded")) {
    const max = Math.min(limits.maxBodySize, limits.maxInMemory);
    const text = await readLimitedText(raw, max);
    for (const [k, v] of new URLSearchParams(text)) form.add(k, v);
  } else {
    const body = limitedBody(raw, limits.maxBodySize);
    if (body === null) throw new HttpError(400, "The multipart body is missing.");
    await parseMultipart(body, raw.headers.get("content-type")!, form, limits, track);
  }
  return form;
}
