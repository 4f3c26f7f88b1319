// `export { a as b } from`, `export { default } from`, string export names.
import relayDefault, {
  "another-string" as another,
  b,
  default2,
  fromDefault,
  renamed,
  stringName,
} from "./_ren/relay.ts";
import * as relay from "./_ren/relay.ts";
import { default as sourceDefault } from "./_ren/source.ts";

export function index() {
  return {
    b,
    fromDefault: fromDefault(),
    sameDefault: relayDefault === fromDefault && sourceDefault === fromDefault,
    defaultName: relayDefault.name,
    renamed: renamed(),
    renamedName: renamed.name,
    stringName,
    another,
    default2,
    localString: relay["local-string"],
    keys: Object.keys(relay),
  };
}
