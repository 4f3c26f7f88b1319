// JSON modules: `with { type: "json" }`, static and dynamic, one instance per file.
import data from "./_json/data.json" with { type: "json" };
import again from "./_json/data.json" with { type: "json" };
import * as ns from "./_json/data.json" with { type: "json" };

export async function index() {
  const dynamic = await import("./_json/data.json", { with: { type: "json" } });
  return {
    data,
    keys: Object.keys(data),
    namespaceKeys: Object.keys(ns),
    sameStatic: data === again,
    sameNamespace: ns.default === data,
    sameDynamic: dynamic.default === data,
    dynamicNamespace: dynamic === ns,
    frozen: Object.isFrozen(data),
    ownProto: Object.hasOwn(data, "__proto__"),
    plainPrototype: Object.getPrototypeOf(data) === Object.prototype,
    bigIsNumber: typeof data.big,
  };
}
