export {
  "string-name" as stringName,
  a as b,
  default as fromDefault,
  original as renamed,
} from "./source.ts";
export { default } from "./source.ts";
export { shown as "another-string" } from "./source.ts";
const local = "local";
export { local as "local-string", local as default2 };
