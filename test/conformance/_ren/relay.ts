export {
  a as b,
  default as fromDefault,
  original as renamed,
  "string-name" as stringName,
} from "./source.ts";
export { default } from "./source.ts";
export { shown as "another-string" } from "./source.ts";
const local = "local";
export { local as default2, local as "local-string" };
