// TC39 decorators, from a .mts helper (_dec/widget.mts).
import { observe } from "./_dec/widget.mts";

export function index() {
  return observe();
}
