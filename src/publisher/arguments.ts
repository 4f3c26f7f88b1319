import { HttpError } from "../http/status.ts";
import type { FieldValue, Upload } from "../api/request.ts";
import type { Form } from "../request/form.ts";
import type { Exchange } from "../request/exchange.ts";
import type { Param, ParamType } from "./signatures.ts";

const TRUE = new Set(["true", "1", "on", "yes"]);
const NONE: readonly FieldValue[] = [];
const FALSE = new Set(["false", "0", "off", "no"]);

function bad(name: string, type: ParamType, got: FieldValue | FieldValue[]): HttpError {
  const shown = typeof got === "string"
    ? JSON.stringify(got)
    : Array.isArray(got)
    ? "several values"
    : "a file";
  return new HttpError(400, `Parameter "${name}" expects ${describe(type)}, got ${shown}.`);
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
    default:
      return "a value";
  }
}

function toNumber(name: string, type: ParamType, v: FieldValue): number {
  if (typeof v !== "string" || v.trim() === "") throw bad(name, type, v);
  const n = Number(v);
  if (!Number.isFinite(n)) throw bad(name, type, v);
  return n;
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
      return values.length === 1 ? values[0] : [...values];
    case "string": {
      const v = only(name, type, values);
      if (typeof v !== "string") throw bad(name, type, v);
      return v;
    }
    case "number":
      return toNumber(name, type, only(name, type, values));
    case "boolean": {
      const v = only(name, type, values);
      const lower = typeof v === "string" ? v.toLowerCase() : "";
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      throw bad(name, type, v);
    }
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
      throw new HttpError(400, `Missing required parameter "${name}" (${describe(type)}).`);
    }
    // `name[]` is a list even with one value, as PHP reads it.
    if (type === "any" && listed !== undefined) return [...values];
    return convert(name, type, values);
  });
}
