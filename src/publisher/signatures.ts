// Parameter names, optionality and types of a module's exported functions, read from the
// TypeScript source (the runtime only sees JavaScript). @babel/parser was picked by
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
  | "upload[]";

export interface Param {
  /** null for a destructured parameter, which receives nothing. */
  name: string | null;
  /** `name[]`, the PHP-style field that fills it as a list (made once, not per request). */
  listName: string | null;
  optional: boolean;
  type: ParamType;
}

/** Signatures by export path: `say`, `default`, `root.page1.sub`. */
export type Signatures = Map<string, Param[]>;

import { loadBabelParser } from "../deps.ts";
import type { AnyFunction, HiddenMembers } from "./traverse.ts";

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

function typeOf(annotation: Node): ParamType {
  if (!annotation) return "any";
  switch (annotation.type) {
    case "TSStringKeyword":
      return "string";
    case "TSNumberKeyword":
      return "number";
    case "TSBooleanKeyword":
      return "boolean";
    case "TSArrayType": {
      const inner = typeOf(annotation.elementType);
      return inner === "string" || inner === "number" || inner === "upload"
        ? `${inner}[]` as ParamType
        : "any";
    }
    case "TSTypeReference": {
      const name = annotation.typeName?.name;
      if (name === "Upload") return "upload";
      // Babel 8 calls them typeArguments, Babel 7 typeParameters.
      const args = (annotation.typeArguments ?? annotation.typeParameters)?.params;
      if (name === "Array" && args?.length === 1) {
        return typeOf({ type: "TSArrayType", elementType: args[0] });
      }
      return "any";
    }
    case "TSUnionType": {
      // `number | undefined` and `string | null` are their non-empty member.
      const real = annotation.types.filter((t: Node) =>
        t.type !== "TSUndefinedKeyword" && t.type !== "TSNullKeyword"
      );
      return real.length === 1 ? typeOf(real[0]) : "any";
    }
    case "TSParenthesizedType":
      return typeOf(annotation.typeAnnotation);
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

function paramsOf(fn: Node): Param[] {
  const out: Param[] = [];
  for (const p of fn.params) {
    if (p.type === "RestElement") break;
    const target = p.type === "AssignmentPattern" ? p.left : p;
    const annotation = target.typeAnnotation?.typeAnnotation;
    const name = target.type === "Identifier" ? target.name : null;
    out.push({
      name,
      listName: name === null ? null : `${name}[]`,
      optional: p.type === "AssignmentPattern" || target.optional === true ||
        unionHasUndefined(annotation),
      type: annotation || p.type !== "AssignmentPattern"
        ? typeOf(annotation)
        : typeOfDefault(p.right),
    });
  }
  return out;
}

const FUNCTION_TYPES = new Set([
  "FunctionDeclaration",
  "FunctionExpression",
  "ArrowFunctionExpression",
  "ObjectMethod",
]);

/** Records `node` (a function, or an object literal of them) under `path`. */
function collect(node: Node, path: string, out: Signatures): void {
  if (!node) return;
  if (node.type === "TSAsExpression" || node.type === "TSSatisfiesExpression") {
    return collect(node.expression, path, out);
  }
  if (FUNCTION_TYPES.has(node.type)) out.set(path, paramsOf(node));
  if (node.type === "ObjectExpression") {
    for (const prop of node.properties) {
      const key = prop.key?.type === "Identifier" ? prop.key.name : prop.key?.value;
      if (typeof key !== "string") continue;
      collect(prop.type === "ObjectMethod" ? prop : prop.value, `${path}.${key}`, out);
    }
  }
}

/** The signatures of every exported function (and function in an exported object literal). */
export async function readSignatures(source: string, jsx = false): Promise<Signatures> {
  const ast = await parse(source, true, jsx);
  const out: Signatures = new Map();
  const locals = new Map<string, Node>();
  for (const node of ast.program.body) {
    const decl = node.type === "ExportNamedDeclaration" ? node.declaration : node;
    if (decl?.type === "FunctionDeclaration" && decl.id) locals.set(decl.id.name, decl);
    if (decl?.type === "VariableDeclaration") {
      for (const d of decl.declarations) {
        if (d.id.type === "Identifier") locals.set(d.id.name, d.init);
      }
    }
  }
  for (const node of ast.program.body) {
    if (node.type === "ExportNamedDeclaration") {
      const decl = node.declaration;
      if (decl?.type === "FunctionDeclaration" && decl.id) collect(decl, decl.id.name, out);
      if (decl?.type === "VariableDeclaration") {
        for (const d of decl.declarations) {
          if (d.id.type === "Identifier") collect(d.init, d.id.name, out);
        }
      }
      if (!node.source) {
        for (const s of node.specifiers ?? []) {
          const exported = s.exported?.name ?? s.exported?.value;
          if (s.local && exported) collect(locals.get(s.local.name), exported, out);
        }
      }
    } else if (node.type === "ExportDefaultDeclaration") {
      const decl = node.declaration;
      collect(decl.type === "Identifier" ? locals.get(decl.name) : decl, "default", out);
    }
  }
  return out;
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
