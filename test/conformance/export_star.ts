// `export *`: names gathered from several modules, ambiguous ones left out, `default` never
// starred, local exports winning; the bindings stay live through the star.
import * as barrel from "./_star/barrel.ts";
import * as self from "./export_star.ts";
import { bumpC, c } from "./_star/barrel.ts";
export * from "./_star/barrel.ts";

export function index() {
  const before = c;
  bumpC();
  return {
    barrelKeys: Object.keys(barrel),
    selfKeys: Object.keys(self),
    a: barrel.a,
    b: barrel.b,
    fa: barrel.fa(),
    own: barrel.own,
    sharedPresent: "shared" in barrel,
    defaultPresent: "default" in barrel,
    liveThroughStar: c - before,
    selfIsNamespace: Object.prototype.toString.call(self),
  };
}
