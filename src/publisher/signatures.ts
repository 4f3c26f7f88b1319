// Parameter names, optionality and types of a module's exported functions, read from the
// TypeScript source (the runtime only sees JavaScript), with what documents need: their JSDoc
// comments, literal defaults and declared result types. @babel/parser was picked by
// measurement (shared/reference/libraries.md §1: pure JS, 13 ms to load, flat memory,
// correct on every case) and is imported lazily, so a site without modules never loads it.

export type ParamType =
  | "any"
  | "string"
  | "number"
  | "boolean"
  | "string[]"
  | "number[]"
  | "upload"
  | "upload[]"
  /** An object, tuple or named type: forms give it text, a positional call any JSON value. */
  | "json";

export interface Param {
  /** null for a destructured parameter, which receives nothing. */
  name: string | null;
  /** `name[]`, the PHP-style field that fills it as a list (made once, not per request). */
  listName: string | null;
  optional: boolean;
  type: ParamType;
  /** A literal default (`excited = false`), for documents. */
  default?: string | number | boolean;
}

export interface Signature {
  params: Param[];
  /** The JSDoc comment before the function, without its `/**` and `*` marks. */
  doc?: string;
  /** The declared result as JSON Schema; null for `void`; absent when not plain data. */
  returns?: JsonSchema | null;
}

/** Signatures by export path: `say`, `default`, `root.page1.sub`. */
export type Signatures = Map<string, Signature>;

import { loadBabelParser } from "../deps.ts";
import type { AnyFunction, HiddenMembers } from "./traverse.ts";
import { type JsonSchema, returnSchema, type TypeDeclarations } from "./type_schema.ts";

// deno-lint-ignore no-explicit-any -- Babel's AST, walked structurally
type Node = any;

let parser: ReturnType<typeof loadBabelParser> | undefined;

async function parse(source: string, typescript: boolean, jsx = false): Promise<Node> {
  const { parse } = await (parser ??= loadBabelParser());
  return parse(source, {
    sourceType: "module",
    plugins: [
      ...(typescript ? ["typescript" as const, "decorators" as const] : []),
      ...(jsx ? ["jsx" as const] : []),
    ],
    errorRecovery: false,
  });
}

const NO_TYPES: TypeDeclarations = new Map();

/** Aliases of aliases end here (a recursive alias is not a type a field can fill). */
const MAX_ALIAS_DEPTH = 8;

/**
 * The parameter type of an annotation. A name declared in the same file is looked through
 * (`type Sort = "asc" | "desc"` takes text); any other named type takes JSON.
 */
function typeOf(annotation: Node, types = NO_TYPES, depth = 0): ParamType {
  const next = (node: Node) => typeOf(node, types, depth);
  if (!annotation) return "any";
  switch (annotation.type) {
    case "TSStringKeyword":
      return "string";
    case "TSNumberKeyword":
      return "number";
    case "TSBooleanKeyword":
      return "boolean";
    case "TSArrayType": {
      const inner = next(annotation.elementType);
      return inner === "string" || inner === "number" || inner === "upload"
        ? `${inner}[]` as ParamType
        : inner === "any"
        ? "any"
        : "json";
    }
    case "TSTypeReference": {
      const name = annotation.typeName?.name;
      if (name === "Upload") return "upload";
      // Babel 8 calls them typeArguments, Babel 7 typeParameters.
      const args = (annotation.typeArguments ?? annotation.typeParameters)?.params;
      if (name === "Array" && args?.length === 1) {
        return next({ type: "TSArrayType", elementType: args[0] });
      }
      const alias = types.get(name);
      if (alias?.type === "TSTypeAliasDeclaration" && !args && depth < MAX_ALIAS_DEPTH) {
        return typeOf(alias.typeAnnotation, types, depth + 1);
      }
      return "json";
    }
    case "TSTypeLiteral":
    case "TSTupleType":
    case "TSMappedType":
    case "TSIntersectionType":
      return "json";
    case "TSUnionType": {
      // `number | undefined` and `string | null` are their non-empty member.
      const real = annotation.types.filter((t: Node) =>
        t.type !== "TSUndefinedKeyword" && t.type !== "TSNullKeyword"
      );
      if (real.length === 1) return next(real[0]);
      return real.some((t: Node) => next(t) === "json") ? "json" : "any";
    }
    case "TSParenthesizedType":
      return next(annotation.typeAnnotation);
    default:
      return "any";
  }
}

function unionHasUndefined(annotation: Node): boolean {
  return annotation?.type === "TSUnionType" &&
    annotation.types.some((t: Node) => t.type === "TSUndefinedKeyword");
}

/** The type TypeScript infers from a literal default (`admin = false` is a boolean). */
function typeOfDefault(value: Node): ParamType {
  switch (value?.type) {
    case "StringLiteral":
    case "TemplateLiteral":
      return "string";
    case "NumericLiteral":
      return "number";
    case "UnaryExpression":
      return value.operator === "-" && value.argument.type === "NumericLiteral" ? "number" : "any";
    case "BooleanLiteral":
      return "boolean";
    default:
      return "any";
  }
}

/** The value of a literal default, if it is one. */
function literal(value: Node): string | number | boolean | undefined {
  switch (value?.type) {
    case "StringLiteral":
    case "NumericLiteral":
    case "BooleanLiteral":
      return value.value;
    case "UnaryExpression":
      return value.operator === "-" && value.argument.type === "NumericLiteral"
        ? -value.argument.value
        : undefined;
    case "TemplateLiteral":
      return value.expressions.length === 0 ? value.quasis[0].value.cooked : undefined;
  }
}

function paramsOf(fn: Node, types = NO_TYPES): Param[] {
  const out: Param[] = [];
  for (const p of fn.params) {
    if (p.type === "RestElement") break;
    const target = p.type === "AssignmentPattern" ? p.left : p;
    const annotation = target.typeAnnotation?.typeAnnotation;
    const name = target.type === "Identifier" ? target.name : null;
    const param: Param = {
      name,
      listName: name === null ? null : `${name}[]`,
      optional: p.type === "AssignmentPattern" || target.optional === true ||
        unionHasUndefined(annotation),
      type: annotation || p.type !== "AssignmentPattern"
        ? typeOf(annotation, types)
        : typeOfDefault(p.right),
    };
    const fallback = p.type === "AssignmentPattern" ? literal(p.right) : undefined;
    if (fallback !== undefined) param.default = fallback;
    out.push(param);
  }
  return out;
}

/** The text of the last JSDoc comment (`/** … *\/`) in `comments`. */
function jsdoc(comments: Node[] | undefined): string | undefined {
  const block = comments?.findLast((c: Node) =>
    c.type === "CommentBlock" && c.value.startsWith("*")
  );
  if (!block) return undefined;
  const text = block.value.slice(1).split("\n").map((line: string) => line.replace(/^\s*\* ?/, ""))
    .join("\n").trim();
  return text === "" ? undefined : text;
}

function signatureOf(fn: Node, doc: string | undefined, types: TypeDeclarations): Signature {
  const signature: Signature = { params: paramsOf(fn, types) };
  if (doc !== undefined) signature.doc = doc;
  const returns = returnSchema(fn.returnType?.typeAnnotation, types);
  if (returns !== undefined) signature.returns = returns;
  return signature;
}

const FUNCTION_TYPES = new Set([
  "FunctionDeclaration",
  "FunctionExpression",
  "ArrowFunctionExpression",
  "ObjectMethod",
]);

/** What `collect` needs besides the node: where to write, and the file's own types. */
interface Collector {
  out: Signatures;
  types: TypeDeclarations;
}

/** Records `node` (a function, or an object literal of them) under `path`. */
function collect(node: Node, path: string, doc: string | undefined, into: Collector): void {
  if (!node) return;
  if (node.type === "TSAsExpression" || node.type === "TSSatisfiesExpression") {
    return collect(node.expression, path, doc, into);
  }
  if (FUNCTION_TYPES.has(node.type)) {
    into.out.set(path, signatureOf(node, doc ?? jsdoc(node.leadingComments), into.types));
  }
  if (node.type === "ObjectExpression") {
    for (const prop of node.properties) {
      const key = prop.key?.type === "Identifier" ? prop.key.name : prop.key?.value;
      if (typeof key !== "string") continue;
      const value = prop.type === "ObjectMethod" ? prop : prop.value;
      collect(value, `${path}.${key}`, jsdoc(prop.leadingComments), into);
    }
  }
}

/** The signatures of every exported function (and function in an exported object literal). */
export async function readSignatures(source: string, jsx = false): Promise<Signatures> {
  const ast = await parse(source, true, jsx);
  const into: Collector = { out: new Map(), types: new Map() };
  const locals = new Map<string, { node: Node; doc?: string }>();
  for (const node of ast.program.body) {
    const decl = node.type === "ExportNamedDeclaration" ? node.declaration : node;
    const doc = jsdoc(node.leadingComments);
    if (decl?.type === "FunctionDeclaration" && decl.id) {
      locals.set(decl.id.name, { node: decl, doc });
    }
    if (decl?.type === "VariableDeclaration") {
      for (const d of decl.declarations) {
        if (d.id.type === "Identifier") locals.set(d.id.name, { node: d.init, doc });
      }
    }
    if (decl?.type === "TSInterfaceDeclaration" || decl?.type === "TSTypeAliasDeclaration") {
      into.types.set(decl.id.name, decl);
    }
  }
  for (const node of ast.program.body) {
    const doc = jsdoc(node.leadingComments);
    if (node.type === "ExportNamedDeclaration") {
      const decl = node.declaration;
      if (decl?.type === "FunctionDeclaration" && decl.id) collect(decl, decl.id.name, doc, into);
      if (decl?.type === "VariableDeclaration") {
        for (const d of decl.declarations) {
          if (d.id.type === "Identifier") collect(d.init, d.id.name, doc, into);
        }
      }
      if (!node.source) {
        for (const s of node.specifiers ?? []) {
          const exported = s.exported?.name ?? s.exported?.value;
          const local = s.local && locals.get(s.local.name);
          if (local && exported) collect(local.node, exported, local.doc, into);
        }
      }
    } else if (node.type === "ExportDefaultDeclaration") {
      const decl = node.declaration;
      const local = decl.type === "Identifier" ? locals.get(decl.name) : undefined;
      collect(local ? local.node : decl, "default", local ? local.doc : doc, into);
    }
  }
  return into.out;
}

/**
 * The parameters of a function the source map does not cover (a method of a class instance,
 * a function built at run time): names and optionality from its JavaScript text, no types.
 */
export async function readRuntimeSignature(fn: AnyFunction): Promise<Param[]> {
  const text = Function.prototype.toString.call(fn);
  for (const wrapped of [`(${text})`, `({${text}})`, `({async ${text}})`]) {
    try {
      const ast = await parse(wrapped, false);
      let node = ast.program.body[0].expression;
      if (node.type === "ObjectExpression") node = node.properties[0];
      if (FUNCTION_TYPES.has(node.type)) return paramsOf(node);
    } catch { /* try the next spelling */ }
  }
  return [];
}

function keyName(key: Node): string | undefined {
  return key?.type === "Identifier"
    ? key.name
    : typeof key?.value === "string"
    ? key.value
    : undefined;
}

/**
 * The `private` and `protected` members of every class in `source` (methods, properties,
 * accessors, constructor parameter properties): the runtime cannot tell them from public
 * ones, so the publisher refuses them by name, as it refuses `_` names.
 */
export async function readHiddenMembers(source: string, jsx = false): Promise<HiddenMembers> {
  const hidden: HiddenMembers = new Map();
  if (!/\b(private|protected)\b/.test(source)) return hidden;
  const visit = (node: Node): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    if ((node.type === "ClassDeclaration" || node.type === "ClassExpression") && node.id) {
      const names = new Set<string>();
      for (const member of node.body.body) {
        const secret = (m: Node) =>
          m.accessibility === "private" || m.accessibility === "protected";
        const name = keyName(member.key);
        if (secret(member) && name !== undefined) names.add(name);
        if (member.kind === "constructor") {
          for (const p of member.params) {
            const param = p.type === "TSParameterProperty" ? p : null;
            const id = param?.parameter?.type === "AssignmentPattern"
              ? param.parameter.left
              : param?.parameter;
            if (param && secret(param) && id?.name) names.add(id.name);
          }
        }
      }
      if (names.size > 0) hidden.set(node.id.name, names);
    }
    for (const key in node) if (key !== "loc" && key !== "start" && key !== "end") visit(node[key]);
  };
  visit((await parse(source, true, jsx)).program);
  return hidden;
}
