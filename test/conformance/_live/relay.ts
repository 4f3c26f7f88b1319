// Re-exports of an imported binding stay live: `export { x } from` and import-then-export.
import { count } from "./counter.ts";

export { count as viaImport };
export { count as viaFrom } from "./counter.ts";
