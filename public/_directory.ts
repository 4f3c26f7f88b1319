// The demo site's settings: every directory serves `modts-openapi.json`, the OpenAPI document
// of its modules' functions (calc.ts's at /modts-openapi.json).
import type { DirectoryConfig } from "modts";

export const config: DirectoryConfig = { openapi: true };
