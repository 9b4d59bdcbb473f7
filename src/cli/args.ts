import { parseIntegerTuple } from '../core';
/** A small, strict argument parser: known flags only, values after `--flag value` or `--flag=value`. */
export interface FlagSpec {
  /** Flags that take a value. */
  values?: string[];
  /** Flags that are on or off. */
  switches?: string[];
  /** Other spellings: alias -> [flag, value to set] (e.g. '--json' -> ['--format', 'json']). */
  aliases?: Record<string, [string, string]>;
}

export interface ParsedArgs {
  positional: string[];
  values: Map<string, string>;
  switches: Set<string>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const alias = spec.aliases?.[flag];
    if (alias) {
      values.set(alias[0], alias[1]);
    } else if (spec.switches?.includes(flag)) {
      switches.add(flag);
    } else if (spec.values?.includes(flag)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      values.set(flag, value);
    } else {
      throw new UsageError(`unknown option ${flag}`);
    }
  }
  return { positional, values, switches };
}

/** "1,3,224,224" or "(1, 3, 224, 224)" or "1x3x224x224" -> [1n, 3n, 224n, 224n]. */
export function parseShape(text: string): bigint[] {
  const parsed = parseIntegerTuple(text);
  if (!parsed.ok || parsed.values.some((v) => v < 0n)) {
    throw new UsageError(`invalid shape '${text}': expected positive integers such as 1,3,224,224`);
  }
  return parsed.values;
}
