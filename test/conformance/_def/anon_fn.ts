export default function (): string {
  return "anonymous function";
}
