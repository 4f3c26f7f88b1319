// A WebAssembly module imported as an ES module (Deno loads it on both sides).
import { add } from "./_wasm/add.wasm";

export async function index() {
  const dynamic = await import("./_wasm/add.wasm");
  return {
    add: add(2, 3),
    sameFunction: dynamic.add === add,
    keys: Object.keys(dynamic),
  };
}
