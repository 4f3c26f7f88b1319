// A decorated class in the published module itself.
const log: string[] = [];

function logged<T>(value: T, context: ClassMethodDecoratorContext | ClassDecoratorContext): T {
  log.push(`${context.kind} ${String(context.name)}`);
  return value;
}

@logged
class Greeter {
  @logged
  greet(): string {
    return "hello";
  }
}

export function index() {
  return { log: [...log], greeting: new Greeter().greet() };
}
