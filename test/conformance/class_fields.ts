// Class fields as `deno run` emits them (define semantics), with parameter properties and
// field initializers that read them, fields that shadow an inherited setter, and declared
// fields. No comment here has an at-sign: see class_fields_jsdoc.ts for why.
const log: string[] = [];

class WithSetter {}
Object.defineProperty(WithSetter.prototype, "value", {
  set(v: number) {
    log.push(`setter called with ${v}`);
  },
});
class Shadowing extends WithSetter {
  value = 1;
}

class Order {
  first = "field";
  derived = `${(this as { x?: string }).x}!`;
  constructor(public x: string) {
    log.push(`constructor sees derived=${this.derived}`);
  }
}

class Uninitialised {
  plain?: number;
  definite!: string;
  declare declared: string;
}

class Statics {
  static count = 1;
  static doubled = Statics.count * 2;
  static {
    Statics.count = 10;
  }
}

export function index() {
  const shadowing = new Shadowing();
  const order = new Order("param");
  const uninitialised = new Uninitialised();
  return {
    shadowingOwn: Object.getOwnPropertyDescriptor(shadowing, "value") ?? null,
    order: { keys: Object.keys(order), derived: order.derived, x: order.x },
    uninitialised: {
      keys: Object.keys(uninitialised),
      plainIn: "plain" in uninitialised,
      declaredIn: "declared" in uninitialised,
    },
    statics: [Statics.count, Statics.doubled],
    log: [...log],
  };
}
