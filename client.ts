/**
 * modts's typed client: `client<typeof import("./calc.ts")>("http://host/calc").add(1, 2)`
 * calls the published function `add` with the types of its own signature, no code generated.
 * It uses only fetch, so it works from Deno and from browsers. See docs/client.md.
 *
 * @module
 */
export { client, ClientError, type ClientOptions } from "./src/client/client.ts";
export type { Client, Method } from "./src/client/types.ts";
