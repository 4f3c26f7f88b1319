const DEFAULT_METHODS = ["GET", "HEAD", "POST"];

/** GET, HEAD and POST, plus what a function lists in its own `methods` property. */
export function allowedMethods(target: unknown): string[] {
  const extra = typeof target === "function" && Object.hasOwn(target, "methods")
    ? (target as unknown as { methods: unknown }).methods
    : undefined;
  return Array.isArray(extra)
    ? [...new Set([...DEFAULT_METHODS, ...extra.map((m) => String(m).toUpperCase())])]
    : DEFAULT_METHODS;
}
