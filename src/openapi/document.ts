// An OpenAPI 3.1 document of published functions, as plain HTTP clients call them: each
// parameter a query field (GET, HEAD…) or a form field (POST…, multipart when it takes
// files), typed as the publisher converts it. modts's own client calls the same URLs by
// position (docs/client.md); that spelling is modts's, not part of the document.
import type { Param, ParamType } from "../publisher/signatures.ts";
import type { PublishedFunction } from "../publisher/describe.ts";
import type { JsonSchema } from "../publisher/type_schema.ts";
import { type DocComment, parseDocComment } from "./doc_comment.ts";

/** One module's functions, and the URL path the module answers at (`/calc`). */
export interface DescribedModule {
  url: string;
  functions: PublishedFunction[];
}

type Operation = Record<string, unknown>;

/** The HTTP methods OpenAPI has a key for; a function's other methods are left out. */
const OPERATION_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch"]);
/** Methods whose arguments come in the body; the others take them from the query string. */
const BODY_METHODS = new Set(["post", "put", "patch"]);

const FILE: JsonSchema = {
  type: "string",
  format: "binary",
  contentMediaType: "application/octet-stream",
};

const SCALARS: Record<ParamType, JsonSchema> = {
  any: { type: "string" },
  json: { type: "string" },
  string: { type: "string" },
  number: { type: "number" },
  boolean: { type: "boolean" },
  "string[]": { type: "array", items: { type: "string" } },
  "number[]": { type: "array", items: { type: "number" } },
  upload: FILE,
  "upload[]": { type: "array", items: FILE },
};

const ERROR_SCHEMA: JsonSchema = {
  type: "object",
  properties: { status: { type: "integer" }, error: { type: "string" } },
  required: ["status", "error"],
};

const isUpload = (p: Param) => p.type === "upload" || p.type === "upload[]";

/** The parameters a client sends: not `req` or `form` (the server's), not destructured ones. */
function sentParams(fn: PublishedFunction): (Param & { name: string })[] {
  return fn.params.filter((p): p is Param & { name: string } =>
    p.name !== null && p.name !== "req" && p.name !== "form"
  );
}

function schemaOf(p: Param): JsonSchema {
  return p.default === undefined ? SCALARS[p.type] : { ...SCALARS[p.type], default: p.default };
}

/** The result's answer: JSON (for objects, and for modts's client), text for a plain value. */
function resultAnswer(fn: PublishedFunction, doc: DocComment): Record<string, unknown> {
  if (fn.returns === null) return { description: doc.returns ?? "Nothing: an empty body." };
  const description = doc.returns ?? "The function's result.";
  if (fn.returns === undefined) return { description };
  const schema = fn.returns;
  const content: Record<string, unknown> = { "application/json": { schema } };
  const type = schema.type;
  if (type === "string" || type === "number" || type === "boolean") {
    content["text/plain"] = { schema };
  }
  return { description, content };
}

function responses(fn: PublishedFunction, doc: DocComment, sent: Param[]) {
  const error = (description: string) => ({
    description,
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  });
  const out: Record<string, unknown> = { "200": resultAnswer(fn, doc) };
  if (sent.length > 0) out["400"] = error("A parameter is missing or does not convert.");
  if (fn.realm !== null) {
    out["401"] = error(`Basic credentials for the realm "${fn.realm}" are needed.`);
    out["403"] = error("The user may not call this.");
  }
  return out;
}

/** The form a body method takes: its fields as one object schema. */
function requestBody(sent: (Param & { name: string })[], doc: DocComment) {
  const properties: Record<string, JsonSchema> = {};
  for (const p of sent) {
    const described = doc.params.get(p.name);
    properties[p.name] = described ? { ...schemaOf(p), description: described } : schemaOf(p);
  }
  const required = sent.filter((p) => !p.optional).map((p) => p.name);
  const schema = required.length > 0
    ? { type: "object", properties, required }
    : { type: "object", properties };
  const content: Record<string, unknown> = { "multipart/form-data": { schema } };
  if (!sent.some(isUpload)) content["application/x-www-form-urlencoded"] = { schema };
  return { required: required.length > 0, content };
}

function operation(
  fn: PublishedFunction,
  method: string,
  id: string,
  tag: string,
): Operation | null {
  const doc = parseDocComment(fn.doc);
  const sent = sentParams(fn);
  const op: Operation = { operationId: `${id}.${method}`, tags: [tag] };
  if (doc.summary) op.summary = doc.summary;
  if (doc.description && doc.description !== doc.summary) op.description = doc.description;
  if (BODY_METHODS.has(method)) {
    if (sent.length > 0) op.requestBody = requestBody(sent, doc);
  } else {
    // A query string carries no file: a function that needs one has no such method.
    if (sent.some((p) => isUpload(p) && !p.optional)) return null;
    const query = sent.filter((p) => !isUpload(p));
    if (query.length > 0) {
      op.parameters = query.map((p) => {
        const param: Record<string, unknown> = {
          name: p.name,
          in: "query",
          required: !p.optional,
          schema: schemaOf(p),
        };
        const described = doc.params.get(p.name);
        if (described) param.description = described;
        return param;
      });
    }
  }
  op.responses = responses(fn, doc, sent);
  if (fn.realm !== null) op.security = [{ basicAuth: [] }];
  return op;
}

/** The document for `modules` (their URLs absolute paths of the site). */
export function openApiDocument(
  modules: DescribedModule[],
  info: { title: string; version: string; description?: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, Operation>> = {};
  let guarded = false;
  for (const { url, functions } of modules) {
    const tag = url.slice(1) || "/";
    for (const fn of functions) {
      const path = `${url}/${fn.path.map(encodeURIComponent).join("/")}`;
      const id = [...url.split("/").filter(Boolean), ...fn.path].join(".");
      const item: Record<string, Operation> = {};
      for (const method of fn.methods.map((m) => m.toLowerCase())) {
        if (!OPERATION_METHODS.has(method)) continue;
        const op = operation(fn, method, id, tag);
        if (op) item[method] = op;
      }
      if (Object.keys(item).length === 0) continue;
      paths[path] = item;
      guarded ||= fn.realm !== null;
    }
  }
  const components: Record<string, unknown> = { schemas: { Error: ERROR_SCHEMA } };
  if (guarded) components.securitySchemes = { basicAuth: { type: "http", scheme: "basic" } };
  return { openapi: "3.1.0", info, paths, components };
}
