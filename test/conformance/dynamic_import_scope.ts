// import() is syntax, not a name in scope: a local binding of any name cannot capture it, and
// code built at run time (eval, new Function) imports relative to this module too.
import { describe } from "@lib/frames.ts";

async function shadowed(): Promise<string> {
  const $modts = "a local that happens to share a name";
  const ns = await import("./_hyg/target.ts");
  return `${$modts}: ${ns.value}`;
}

async function viaEval(): Promise<string> {
  // deno-lint-ignore no-eval -- code built at run time is the point
  const ns = await eval('import("./_hyg/target.ts")');
  return ns.value;
}

async function viaFunction(): Promise<string> {
  const ns = await new Function('return import("./_hyg/target.ts")')();
  return ns.value;
}

export async function index() {
  const settle = (p: Promise<string>) => p.then((value) => ({ value }), (e) => ({ error: describe(e) }));
  return {
    shadowed: await settle(shadowed()),
    eval: await settle(viaEval()),
    newFunction: await settle(viaFunction()),
  };
}
