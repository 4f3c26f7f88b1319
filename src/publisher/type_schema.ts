// A function's declared result type (a Babel TypeScript annotation) as JSON Schema, for the
// OpenAPI document: the plain data JSON can carry — keywords, literals, arrays, tuples,
// object types, `Record`, `Date`, unions of those, and the interfaces and type aliases of the
// same file. Anything else (a `Response`, a stream, an imported type) is not plain: no schema.

export type JsonSchema = { [keyword: string]: unknown };

/** The file's own `interface` and `type` declarations, by name. */
// deno-lint-ignore no-explicit-any -- Babel's AST, walked structurally
export type TypeDeclarations = Map<string, any>;

// deno-lint-ignore no-explicit-any -- Babel's AST, walked structurally
type Node = any;

/** Deep enough for real result types; a recursive type stops here instead of looping. */
const MAX_DEPTH = 12;

const NOT_PLAIN = Symbol("not plain");

/** The schema of what a function returns: null for `void`, undefined when not plain data. */
export function returnSchema(
  annotation: Node,
  types: TypeDeclarations,
): JsonSchema | null | undefined {
  if (!annotation) return undefined;
  const inner = promised(annotation);
  if (inner.type === "TSVoidKeyword" || inner.type === "TSUndefinedKeyword") return null;
  const schema = schemaOf(inner, types, 0);
  return schema === NOT_PLAIN ? undefined : schema;
}

/** `Promise<T>` is `T`. */
function promised(annotation: Node): Node {
  const args = typeArguments(annotation);
  return annotation.type === "TSTypeReference" && annotation.typeName?.name === "Promise" &&
      args?.length === 1
    ? args[0]
    : annotation;
}

function typeArguments(annotation: Node): Node[] | undefined {
  // Babel 8 calls them typeArguments, Babel 7 typeParameters.
  return (annotation.typeArguments ?? annotation.typeParameters)?.params;
}

function schemaOf(
  node: Node,
  types: TypeDeclarations,
  depth: number,
): JsonSchema | typeof NOT_PLAIN {
  if (depth > MAX_DEPTH) return NOT_PLAIN;
  const next = (n: Node) => schemaOf(n, types, depth + 1);
  switch (node.type) {
    case "TSStringKeyword":
      return { type: "string" };
    case "TSNumberKeyword":
      return { type: "number" };
    case "TSBooleanKeyword":
      return { type: "boolean" };
    case "TSNullKeyword":
      return { type: "null" };
    case "TSLiteralType": {
      const value = node.literal.type === "UnaryExpression"
        ? -node.literal.argument.value
        : node.literal.value;
      return ["string", "number", "boolean"].includes(typeof value) ? { const: value } : NOT_PLAIN;
    }
    case "TSParenthesizedType":
      return next(node.typeAnnotation);
    case "TSArrayType": {
      const items = next(node.elementType);
      return items === NOT_PLAIN ? NOT_PLAIN : { type: "array", items };
    }
    case "TSTupleType": {
      const items = node.elementTypes.map((t: Node) =>
        next(t.type === "TSNamedTupleMember" ? t.elementType : t)
      );
      return items.includes(NOT_PLAIN)
        ? NOT_PLAIN
        : { type: "array", prefixItems: items, minItems: items.length, maxItems: items.length };
    }
    case "TSTypeLiteral":
      return objectSchema(node.members, types, depth);
    case "TSUnionType":
      return unionSchema(node.types.filter((t: Node) => t.type !== "TSUndefinedKeyword"), next);
    case "TSTypeReference":
      return referenceSchema(node, types, depth);
    default:
      return NOT_PLAIN;
  }
}

function unionSchema(
  members: Node[],
  next: (n: Node) => JsonSchema | typeof NOT_PLAIN,
): JsonSchema | typeof NOT_PLAIN {
  const schemas = members.map(next);
  if (schemas.includes(NOT_PLAIN)) return NOT_PLAIN;
  const plain = schemas as JsonSchema[];
  if (plain.length === 1) return plain[0];
  // `"asc" | "desc"` reads best as an enum.
  if (plain.every((s) => "const" in s)) return { enum: plain.map((s) => s.const) };
  return { anyOf: plain };
}

function referenceSchema(
  node: Node,
  types: TypeDeclarations,
  depth: number,
): JsonSchema | typeof NOT_PLAIN {
  const name = node.typeName?.name;
  const args = typeArguments(node);
  const next = (n: Node) => schemaOf(n, types, depth + 1);
  if ((name === "Array" || name === "ReadonlyArray") && args?.length === 1) {
    const items = next(args[0]);
    return items === NOT_PLAIN ? NOT_PLAIN : { type: "array", items };
  }
  if (name === "Record" && args?.length === 2) {
    const values = next(args[1]);
    return values === NOT_PLAIN ? NOT_PLAIN : { type: "object", additionalProperties: values };
  }
  if (name === "Date" && !args) return { type: "string", format: "date-time" };
  const declared = types.get(name);
  if (!declared || args) return NOT_PLAIN;
  return declared.type === "TSInterfaceDeclaration"
    ? objectSchema(declared.body.body, types, depth)
    : next(declared.typeAnnotation);
}

/** An object type's properties; a method or an index signature of anything but data: not plain. */
function objectSchema(
  members: Node[],
  types: TypeDeclarations,
  depth: number,
): JsonSchema | typeof NOT_PLAIN {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  let additional: JsonSchema | undefined;
  for (const member of members) {
    if (member.type === "TSIndexSignature") {
      const values = schemaOf(member.typeAnnotation.typeAnnotation, types, depth + 1);
      if (values === NOT_PLAIN) return NOT_PLAIN;
      additional = values;
      continue;
    }
    if (member.type !== "TSPropertySignature") return NOT_PLAIN;
    const key = member.key.type === "Identifier" ? member.key.name : member.key.value;
    const annotation = member.typeAnnotation?.typeAnnotation;
    if (typeof key !== "string" || !annotation) return NOT_PLAIN;
    const schema = schemaOf(annotation, types, depth + 1);
    if (schema === NOT_PLAIN) return NOT_PLAIN;
    properties[key] = schema;
    if (!member.optional) required.push(key);
  }
  const schema: JsonSchema = { type: "object", properties };
  if (required.length > 0) schema.required = required;
  if (additional) schema.additionalProperties = additional;
  return schema;
}
