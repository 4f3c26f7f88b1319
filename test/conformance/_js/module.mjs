export const fromMjs = "an .mjs module";
