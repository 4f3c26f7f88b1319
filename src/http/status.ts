/** Reason phrases for the statuses modts itself produces. */
export const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  206: "Partial Content",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  412: "Precondition Failed",
  413: "Content Too Large",
  416: "Range Not Satisfiable",
  421: "Misdirected Request",
  499: "Client Closed Request",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? "Error";
}

/**
 * Thrown anywhere in request handling to end the request with `status`. `message` is safe
 * to show to the client (it is escaped); `headers` are added to the error response.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message?: string,
    readonly headers?: HeadersInit,
  ) {
    super(message ?? statusText(status));
    this.name = "HttpError";
  }
}

/** A 401 asking for Basic credentials in `realm`. */
export function basicChallenge(realm: string): HttpError {
  const quoted = realm.replace(/["\\]/g, "\\$&");
  return new HttpError(401, "Authentication is required.", {
    "www-authenticate": `Basic realm="${quoted}"`,
  });
}
