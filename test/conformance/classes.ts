// Classes: accessors, statics, static blocks, private #names (fields, methods, accessors,
// statics, `#x in o`), inheritance and super, subclassed builtins, class expression names.
class Temperature {
  static #instances = 0;
  static readonly unit = "C";
  #celsius: number;
  #history: number[] = [];
  static {
    Temperature.#instances = 100;
  }

  constructor(celsius: number) {
    this.#celsius = celsius;
    Temperature.#instances++;
  }
  get fahrenheit(): number {
    return this.#celsius * 9 / 5 + 32;
  }
  set fahrenheit(f: number) {
    this.#record();
    this.#celsius = (f - 32) * 5 / 9;
  }
  #record(): void {
    this.#history.push(this.#celsius);
  }
  get #secret(): string {
    return "private accessor";
  }
  get history(): number[] {
    return [...this.#history];
  }
  reveal(): string {
    return this.#secret;
  }
  static isTemperature(o: unknown): boolean {
    return typeof o === "object" && o !== null && #celsius in o;
  }
  static get instances(): number {
    return Temperature.#instances;
  }
}

class Animal {
  constructor(readonly name: string) {}
  speak(): string {
    return `${this.name} makes a sound`;
  }
  static create(name: string): Animal {
    return new this(name);
  }
  get [Symbol.toStringTag](): string {
    return "Animal";
  }
}
class Dog extends Animal {
  override speak(): string {
    return `${super.speak()}, then barks`;
  }
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message, { cause: "testing" });
    this.name = "HttpError";
  }
}
class Stack<T> extends Array<T> {
  peek(): T | undefined {
    return this[this.length - 1];
  }
}

const Named = class Inner {
  who(): string {
    return Inner.name;
  }
};
const anonymous = class {};
const computed = "dynamicKey";
const staticKey = `static_${computed}` as const;
class Computed {
  [computed](): string {
    return "computed method";
  }
  static [staticKey] = "computed static";
}

export function index() {
  const t = new Temperature(100);
  t.fahrenheit = 32;
  const dog = Dog.create("Rex");
  const err = new HttpError(404, "missing");
  const stack = Stack.from([1, 2, 3]) as Stack<number>;
  return {
    temperature: {
      fahrenheit: t.fahrenheit,
      history: t.history,
      reveal: t.reveal(),
      isTemperature: [Temperature.isTemperature(t), Temperature.isTemperature({})],
      instances: Temperature.instances,
      unit: Temperature.unit,
      ownKeys: Reflect.ownKeys(t).map(String),
      protoKeys: Object.getOwnPropertyNames(Temperature.prototype),
    },
    dog: {
      speak: dog.speak(),
      isDog: dog instanceof Dog,
      tag: Object.prototype.toString.call(dog),
      inheritedStatic: Dog.create === Animal.create,
    },
    error: {
      name: err.name,
      message: err.message,
      status: err.status,
      cause: err.cause,
      isError: err instanceof Error,
      string: String(err),
    },
    stack: {
      peek: stack.peek(),
      isArray: Array.isArray(stack),
      mapped: (stack.map((n) => n * 2) as Stack<number>).peek(),
    },
    names: [Named.name, new Named().who(), anonymous.name, Temperature.name],
    computed: [new Computed().dynamicKey(), Computed.static_dynamicKey],
  };
}
