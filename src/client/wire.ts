// How modts's typed client (`modts/client`) calls a published function, and how the answer
// says what it holds. Plain HTTP clients keep naming form fields; this is the positional
// spelling, for callers that only have the function's signature. The publisher implements it
// (src/publisher/positional.ts); it imports nothing, so the client stays browser-safe.

/**
 * A positional call's body: the arguments as one JSON array, in the order of the function's
 * parameters minus the ones the server fills (`req`, `form`). `null` leaves a parameter to
 * its default.
 */
export const ARGS_TYPE = "application/vnd.modts.args+json";

/**
 * With files among the arguments the call is multipart: the JSON array is the field
 * `modts-args`, and each file a part `modts-file`; the array holds `{"$file": n}` where the
 * n-th file goes (in arrays and objects too).
 */
export const ARGS_FIELD = "modts-args";
export const FILES_FIELD = "modts-file";
export const FILE_KEY = "$file";

/**
 * Set on an answer whose body is the JSON of the value the function returned (empty for
 * `undefined`): the client parses exactly those, and hands anything else over as the
 * `Response` (a function that returns a `Response`, bytes or a stream).
 */
export const RESULT_HEADER = "modts-result";
