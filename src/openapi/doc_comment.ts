// A JSDoc comment as an OpenAPI document uses it: the text (first sentence as the summary),
// `@param name text` for each parameter and `@returns text` for the result.

export interface DocComment {
  summary?: string;
  description?: string;
  params: Map<string, string>;
  returns?: string;
}

const TAG = /^@(\w+)\s*([\s\S]*)$/;

export function parseDocComment(text: string | undefined): DocComment {
  const out: DocComment = { params: new Map() };
  if (text === undefined) return out;
  // A tag runs until the next line that starts with one.
  const [body, ...tags] = text.split(/\n(?=\s*@)/);
  const description = TAG.test(body.trim()) ? "" : body.trim();
  if (description !== "") {
    out.description = description;
    out.summary = /^[\s\S]*?[.!?](?=\s|$)/.exec(description)?.[0].replace(/\s+/g, " ") ??
      description.split("\n")[0];
  }
  for (const tag of TAG.test(body.trim()) ? [body, ...tags] : tags) {
    const [, name, rest] = TAG.exec(tag.trim()) ?? [];
    const words = (rest ?? "").replace(/^\{[^}]*\}\s*/, "").replace(/\s+/g, " ").trim();
    if (name === "param") {
      // `@param name text`, `@param name - text`, `@param [name] text`
      const m = /^\[?([\w$]+)[^\s]*\s*(?:-\s*)?(.*)$/.exec(words);
      if (m && m[2] !== "") out.params.set(m[1], m[2]);
    } else if ((name === "returns" || name === "return") && words !== "") {
      out.returns = words;
    }
  }
  return out;
}
