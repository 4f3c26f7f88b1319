// import.meta of a helper in a subfolder: its own file, and resolve() relative to it.
export const meta = {
  url: import.meta.url,
  filename: import.meta.filename,
  dirname: import.meta.dirname,
  main: import.meta.main,
  resolveRelative: import.meta.resolve("./y.ts"),
  resolveParent: import.meta.resolve("../../x.ts"),
};
export const object = import.meta;
