// A dynamic import at the top level of a module whose static imports already hold the target:
// the same, fully evaluated namespace as the static import.
import * as staticNs from "./_tla_dyn/dep.ts";
import { marker } from "./_tla_dyn/dep.ts";

const atTopLevel = await import("./_tla_dyn/dep.ts");

export async function index() {
  const later = await import("./_tla_dyn/dep.ts");
  return {
    keysAtTopLevel: Object.keys(atTopLevel),
    sameMarkerAtTopLevel: atTopLevel.marker === marker,
    helloAtTopLevel: typeof atTopLevel.hello === "function" ? atTopLevel.hello() : null,
    namespaceAtTopLevel: atTopLevel === staticNs,
    namespaceLater: later === staticNs,
    keysLater: Object.keys(later),
  };
}
