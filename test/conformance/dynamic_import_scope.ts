// import() is syntax, not a name in scope: a local binding cannot capture it. (Code built at run
// time — eval, new Function — cannot import under modts: docs/publisher.md.)
import { describe } from "@lib/frames.ts";

async function shadowed(): Promise<string> {
  const $modts = "a local that happens to share a name";
  const ns = await import("./_hyg/target.ts");
  return `${$modts}: ${ns.value}`;
}

export async function index() {
  const settle = (p: Promise<string>) =>
    p.then((value) => ({ value }), (e) => ({ error: describe(e) }));
  return {
    shadowed: await settle(shadowed()),
  };
}
