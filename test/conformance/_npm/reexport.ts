// `export *` from an npm package (everything but its default export).
export * from "zod";
