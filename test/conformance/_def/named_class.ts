export default class Named {
  static who(): string {
    return Named.name;
  }
}
