// The chat's directory compresses what it sends, server-sent events included: each event is
// flushed through the compressor as it is written, so it still reaches the browser at once.
import type { DirectoryConfig } from "modts";

export const config: DirectoryConfig = { compress: true };
