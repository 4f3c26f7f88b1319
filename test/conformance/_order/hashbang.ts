#!/usr/bin/env -S deno run
// A hashbang line is allowed at the very start of a module.
export const hashbang = "ok";
