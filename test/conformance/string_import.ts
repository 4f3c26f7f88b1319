// Text that looks like `import(...)` but is not an import stays as written: strings, template
// text, regular expressions, comments, and members named `import`; real imports next to them
// still work.
const single = 'import("x")';
const double = "import('./nowhere.ts')";
const template = `import("${"y"}")`;
const raw = String.raw`import("z")`;
const regex = /import\("r"\)/.source;
// import("./in-a-line-comment.ts")
/* import("./in-a-block-comment.ts") */
const json = JSON.stringify({ code: 'await import("x")' });

const object = {
  import(what: string): string {
    return `object method got ${what}`;
  },
};
class WithImport {
  import(what: string): string {
    return `class method got ${what}`;
  }
  static import(what: string): string {
    return `static method got ${what}`;
  }
}
const property = { import: (what: string) => `arrow property got ${what}` };

export async function index() {
  const inTemplate = `${(await import("./_str/target.ts")).value} in a template`;
  const spaced = (await import(
    "./_str/target.ts"
  )).value;
  return {
    single,
    double,
    template,
    raw,
    regex,
    json,
    object: object.import("a"),
    objectKeys: Object.keys(object),
    classMethod: new WithImport().import("b"),
    staticMethod: WithImport.import("c"),
    classKeys: Object.getOwnPropertyNames(WithImport.prototype),
    property: property.import("d"),
    indexed: object["import"]("e"),
    inTemplate,
    spaced,
    metaType: typeof import.meta,
  };
}
