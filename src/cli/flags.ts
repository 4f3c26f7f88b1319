import { convert, type OptionSpec, type ServerConfig, UsageError } from "../config/options.ts";

export interface ParsedArgs<V = Partial<ServerConfig>> {
  positionals: string[];
  values: V;
  help: boolean;
}

/**
 * Strict flag parsing: `--flag value`, `--flag=value`, `--bool`, `--no-bool`, `--help`/`-h`.
 * Anything unknown, a missing value, or too many positionals is a UsageError.
 */
export function parseFlags<V = Partial<ServerConfig>>(
  args: string[],
  specs: readonly OptionSpec<string>[],
  maxPositionals: number,
): ParsedArgs<V> {
  const out: ParsedArgs<V> = { positionals: [], values: {} as V, help: false };
  const values = out.values as Record<string, unknown>;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") {
      out.help = true;
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") {
      if (out.positionals.length >= maxPositionals) {
        throw new UsageError(`unexpected argument "${arg}"`);
      }
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const negated = name.startsWith("--no-");
    const spec = specs.find((s) => s.flag === (negated ? `--${name.slice(5)}` : name));
    if (!spec || (negated && spec.type !== "boolean")) {
      throw new UsageError(`unknown flag ${name}`);
    }
    if (spec.type === "boolean") {
      if (eq !== -1) throw new UsageError(`${name} takes no value`);
      values[spec.key] = !negated;
      continue;
    }
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < args.length) value = args[++i];
    else throw new UsageError(`${name} needs a value (${spec.arg})`);
    values[spec.key] = convert(spec, value, "command line");
  }
  return out;
}

/** The flag lines of a help text. */
export function flagHelp(specs: readonly OptionSpec<string>[]): string {
  const rows = specs.map((s) => [`  ${s.flag}${s.arg ? ` ${s.arg}` : ""}`, s.help]);
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return rows.map(([f, h]) => f.padEnd(width) + h).join("\n");
}
