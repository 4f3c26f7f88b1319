import { HttpError } from "../http/status.ts";
import type { FieldValue, Upload } from "../api/request.ts";
import type { Form } from "../request/form.ts";
import type { Exchange } from "../request/exchange.ts";
import { UploadedFile } from "../request/multipart.ts";
import type { Param, ParamType } from "./signatures.ts";

const TRUE = new Set(["true", "1", "on", "yes"]);
const NONE: readonly FieldValue[] = [];
const FALSE = new Set(["false", "0", "off", "no"]);

/** A value as an error message shows it: a field's text, or what a JSON value is. */
function shown(got: unknown): string {
  if (typeof got === "string") {
    return JSON.stringify(got.length > 40 ? `${got.slice(0, 40)}…` : got);
  }
  if (Array.isArray(got)) return "several values";
  if (typeof got === "object" && got !== null) {
    return got instanceof UploadedFile ? "a file" : "an object";
  }
  return String(got);
}

function bad(name: string, type: ParamType, got: unknown): HttpError {
  return new HttpError(400, `Parameter "${name}" expects ${describe(type)}, got ${shown(got)}.`);
}

function missing(name: string, type: ParamType): HttpError {
  return new HttpError(400, `Missing required parameter "${name}" (${describe(type)}).`);
}

function describe(type: ParamType): string {
  switch (type) {
    case "number":
      return "a number";
    case "boolean":
      return "a boolean (true/false, 1/0, on/off, yes/no)";
    case "string":
      return "one text value";
    case "string[]":
      return "text values";
    case "number[]":
      return "numbers";
    case "upload":
      return "an uploaded file";
    case "upload[]":
      return "uploaded files";
    case "json":
      return "a JSON value";
    default:
      return "a value";
  }
}

function toNumber(name: string, type: ParamType, v: unknown): number {
  if (typeof v !== "string" || v.trim() === "") throw bad(name, type, v);
  const n = Number(v);
  if (!Number.isFinite(n)) throw bad(name, type, v);
  return n;
}

function toBoolean(name: string, type: ParamType, v: unknown): boolean {
  const lower = typeof v === "string" ? v.toLowerCase() : "";
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  throw bad(name, type, v);
}

/** The one value a single-valued type takes; several are a 400. */
function only(name: string, type: ParamType, values: readonly FieldValue[]): FieldValue {
  if (values.length > 1) throw bad(name, type, [...values]);
  return values[0];
}

/** `values` converted to `type`; lists are copies (user code may change them). */
function convert(name: string, type: ParamType, values: readonly FieldValue[]): unknown {
  switch (type) {
    case "any":
    case "json":
      return values.length === 1 ? values[0] : [...values];
    case "string": {
      const v = only(name, type, values);
      if (typeof v !== "string") throw bad(name, type, v);
      return v;
    }
    case "number":
      return toNumber(name, type, only(name, type, values));
    case "boolean":
      return toBoolean(name, type, only(name, type, values));
    case "string[]":
      for (const v of values) if (typeof v !== "string") throw bad(name, type, v);
      return [...values];
    case "number[]":
      return values.map((v) => toNumber(name, type, v));
    case "upload": {
      const v = only(name, type, values);
      if (typeof v === "string") throw bad(name, type, v);
      return v;
    }
    case "upload[]":
      for (const v of values) if (typeof v === "string") throw bad(name, type, v);
      return [...values] as Upload[];
  }
}

/**
 * The call's arguments, by parameter name: `req` and `form` are special; other names take
 * their form fields (and PHP-style `name[]` fields), converted to the declared type. Forms as
 * browsers send them: for a typed parameter an empty field counts as absent. A missing field
 * leaves the parameter to its default, or is a 400 when the parameter is required. Unknown
 * fields are dropped.
 */
export function buildArguments(params: Param[], form: Form, ex: Exchange): unknown[] {
  return params.map(({ name, listName, optional, type }) => {
    if (name === null) return undefined;
    if (name === "req") return ex.req;
    if (name === "form") return form;
    const named = form.values(name);
    const listed = form.values(listName!);
    let values = listed === undefined ? named ?? NONE : [...named ?? NONE, ...listed];
    if (type !== "any" && values.includes("")) values = values.filter((v) => v !== "");
    if (values.length === 0) {
      if (optional) return undefined;
      throw missing(name, type);
    }
    // `name[]` is a list even with one value, as PHP reads it.
    if ((type === "any" || type === "json") && listed !== undefined) return [...values];
    return convert(name, type, values);
  });
}

/** A JSON value a field could have been: text, a number, a boolean, or an uploaded file. */
function fieldLike(v: unknown): boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ||
    v instanceof UploadedFile;
}

const ELEMENT: Partial<Record<ParamType, ParamType>> = {
  "string[]": "string",
  "number[]": "number",
  "upload[]": "upload",
};

/** A positional argument as `type` takes it (see `positionalArguments`). */
function fromJson(name: string, type: ParamType, v: unknown): unknown {
  switch (type) {
    case "json":
      return v;
    case "any":
      if (fieldLike(v)) return v;
      if (Array.isArray(v) && v.every(fieldLike)) return v;
      throw bad(name, type, v);
    case "string":
      if (typeof v === "string") return v;
      throw bad(name, type, v);
    case "number":
      return typeof v === "number" && Number.isFinite(v) ? v : toNumber(name, type, v);
    case "boolean":
      return typeof v === "boolean" ? v : toBoolean(name, type, v);
    case "upload":
      if (v instanceof UploadedFile) return v;
      throw bad(name, type, v);
    default: {
      // A list; one value is a list of one, as a lone field is.
      const element = ELEMENT[type]!;
      return (Array.isArray(v) ? v : [v]).map((e) => {
        if (Array.isArray(e)) throw bad(name, type, v);
        try {
          return fromJson(name, element, e);
        } catch {
          throw bad(name, type, e); // named by the list's type
        }
      });
    }
  }
}

/**
 * The arguments of a positional call (src/client/wire.ts): `values` go to the parameters
 * other than `req` and `form`, in order, with the checks and conversions of form fields —
 * JSON's own numbers, booleans and lists need none. `null` or nothing at a position is a
 * missing field. Only parameters typed with an object type (and destructured ones) take JSON
 * objects; an untyped one takes what a field could hold, and an upload is only ever a file
 * the request carried: never an object that merely looks like one.
 */
export function positionalArguments(
  params: Param[],
  values: unknown[],
  form: Form,
  ex: Exchange,
): unknown[] {
  let at = 0;
  return params.map(({ name, optional, type }) => {
    if (name === "req") return ex.req;
    if (name === "form") return form;
    const value = values[at++];
    if (name === null) return value ?? undefined;
    if (value === null || value === undefined) {
      if (optional) return undefined;
      throw missing(name, type);
    }
    return fromJson(name, type, value);
  });
}
