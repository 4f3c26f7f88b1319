// Content negotiation, as far as modts needs it: browsers list text/html first, API clients
// (modts's own, fetch wrappers such as axios) list application/json first.

/** Whether the first media range of an Accept header is `application/json`. */
export function prefersJson(accept: string | null): boolean {
  if (accept === null) return false;
  let end = accept.length;
  const comma = accept.indexOf(",");
  if (comma !== -1) end = comma;
  const semicolon = accept.indexOf(";");
  if (semicolon !== -1 && semicolon < end) end = semicolon;
  return accept.slice(0, end).trim().toLowerCase() === "application/json";
}
