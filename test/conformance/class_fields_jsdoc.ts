/**
 * The same parameter property and field initializer as class_fields.ts, in a file with a
 * JSDoc tag: a comment must not change what the code does.
 * @module
 */
class Order {
  first = "field";
  derived = `${(this as { x?: string }).x}!`;
  /** @param x kept as a parameter property */
  constructor(public x: string) {}
}

export function index() {
  const order = new Order("param");
  return { keys: Object.keys(order), derived: order.derived };
}
