// The typed client's run time: a Proxy that turns `calc.sub.add(1, 2)` into one POST of
// `/calc/sub/add` with the arguments by position (src/client/wire.ts). It uses nothing but
// fetch, JSON and FormData, so it runs in Deno and in browsers alike.
import { ARGS_FIELD, ARGS_TYPE, FILE_KEY, FILES_FIELD, RESULT_HEADER } from "./wire.ts";
import type { Client } from "./types.ts";

export interface ClientOptions {
  /** HTTP Basic credentials sent with every call (for `__auth__`). */
  basicAuth?: { user: string; password: string };
  /** Options for every fetch: headers, credentials, signal… (method and body are the call's). */
  init?: RequestInit;
  /** The fetch to call (default: the global one). */
  fetch?: typeof fetch;
}

/** A call answered with a status that is not 2xx; `message` is the server's. */
export class ClientError extends Error {
  override name = "ClientError";
  constructor(
    readonly status: number,
    message: string,
    /** The URL called. */
    readonly url: string,
  ) {
    super(message);
  }
}

/**
 * A client for the module published at `base` (`http://host/calc` for `calc.ts`): each
 * exported function is a method with the function's own parameters, minus `req` and `form`,
 * returning a promise of its result.
 */
export function client<M>(base: string | URL, options: ClientOptions = {}): Client<M> {
  return member(String(base).replace(/\/+$/, ""), options) as Client<M>;
}

function member(url: string, options: ClientOptions): unknown {
  return new Proxy(function () {}, {
    // `then` stays undefined: a client is not a promise, and `await client` must not call.
    get: (_, key) =>
      typeof key === "string" && key !== "then"
        ? member(`${url}/${encodeURIComponent(key)}`, options)
        : undefined,
    apply: (_, __, args: unknown[]) => call(url, args, options),
  });
}

async function call(url: string, args: unknown[], options: ClientOptions): Promise<unknown> {
  const headers = new Headers(options.init?.headers);
  headers.set("accept", "application/json");
  if (options.basicAuth) {
    const { user, password } = options.basicAuth;
    headers.set("authorization", `Basic ${base64(`${user}:${password}`)}`);
  }
  const body = encode(args);
  if (typeof body === "string") headers.set("content-type", ARGS_TYPE);
  const res = await (options.fetch ?? fetch)(url, {
    ...options.init,
    method: "POST",
    headers,
    body,
  });
  if (!res.ok) throw new ClientError(res.status, await errorMessage(res), url);
  if (res.headers.get(RESULT_HEADER) !== "json") return res;
  const text = await res.text();
  return text === "" ? undefined : JSON.parse(text);
}

/** The arguments as JSON, or as multipart when files are among them. */
function encode(args: unknown[]): string | FormData {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  const files: Blob[] = [];
  const json = JSON.stringify(
    args.slice(0, end),
    (_, value) => value instanceof Blob ? { [FILE_KEY]: files.push(value) - 1 } : value,
  );
  if (files.length === 0) return json;
  const form = new FormData();
  form.set(ARGS_FIELD, json);
  for (const file of files) form.append(FILES_FIELD, file);
  return form;
}

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/** What the server said: the `error` of modts's JSON errors, else the text of the body. */
async function errorMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  if (res.headers.get("content-type")?.includes("json")) {
    try {
      const { error } = JSON.parse(text);
      if (typeof error === "string") return error;
    } catch { /* not modts's: the text then */ }
  }
  const plain = text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim().slice(0, 500);
  return plain || `${res.status} ${res.statusText}`.trim();
}
