import { parseIntegerTuple } from '../core';
/** A small, strict argument parser: known flags only, values after `--flag value` or `--flag=value`. */
export interface FlagSpec {
  /** Flags that take a value. */
  values?: string[];
  /** Flags that take a value and may be given several times (each value kept, in order). */
  lists?: string[];
  /** Flags that are on or off. */
  switches?: string[];
  /** Other spellings: alias -> [flag, value to set] (e.g. '--json' -> ['--format', 'json']). */
  aliases?: Record<string, [string, string]>;
}

export interface ParsedArgs {
  positional: string[];
  values: Map<string, string>;
  lists: Map<string, string[]>;
  switches: Set<string>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
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
    } else if (spec.values?.includes(flag) || spec.lists?.includes(flag)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      if (spec.lists?.includes(flag)) lists.set(flag, [...(lists.get(flag) ?? []), value]);
      else values.set(flag, value);
    } else {
      throw new UsageError(`unknown option ${flag}`);
    }
  }
  return { positional, values, lists, switches };
}

/**
 * The environment variables given as `--env NAME=VALUE` (each one flag; the value may hold '='
 * and ','). The analysis takes os.environ to hold only these: a figure that depends on another
 * variable is computed as if it were unset, and the report names every variable read.
 */
export function parseEnvironment(assignments: readonly string[]): Record<string, string> {
  // No prototype: a variable may be named __proto__.
  const out = Object.create(null) as Record<string, string>;
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    const name = eq > 0 ? assignment.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--env expects NAME=VALUE, got '${assignment}'`);
    out[name] = assignment.slice(eq + 1);
  }
  return out;
}

/** "1,3,224,224" or "(1, 3, 224, 224)" or "1x3x224x224" -> [1n, 3n, 224n, 224n]. */
export function parseShape(text: string): bigint[] {
  const parsed = parseIntegerTuple(text);
  if (!parsed.ok || parsed.values.some((v) => v < 0n)) {
    throw new UsageError(`invalid shape '${text}': expected positive integers such as 1,3,224,224`);
  }
  return parsed.values;
}
