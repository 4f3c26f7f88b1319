export default class {
  hello(): string {
    return "anonymous class";
  }
}
