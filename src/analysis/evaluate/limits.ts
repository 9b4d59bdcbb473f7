import { PyDict, Unknown, Value } from '../values/values';
import type { Budget } from './budget';

/**
 * Sizes past which a value is not followed: it becomes unknown, with the reason, instead of
 * taking seconds or gigabytes to build. Python itself refuses to turn an int of more than 4,300
 * digits into text; no model's arithmetic comes near any of these.
 */
export const MAX_INT_DIGITS = 4_300;
/** MAX_INT_DIGITS in bits (4,300 / log10(2), rounded up). */
export const MAX_INT_BITS = 14_285;
export const MAX_ITEMS = 1_000_000;
export const MAX_CHARS = 4_000_000;

const SMALL = 1n << 52n;

/** The number of bits of |v| (0 for 0); exact below 2^52, within four bits above. */
export function bitLength(v: bigint): number {
  if (v > -SMALL && v < SMALL) {
    const n = Math.abs(Number(v));
    return n === 0 ? 0 : Math.floor(Math.log2(n)) + 1;
  }
  return (v < 0n ? -v : v).toString(16).length * 4;
}

/** How many 64-bit words an int takes, the unit of the work its arithmetic does. */
export function words(v: bigint): number {
  return v > -SMALL && v < SMALL ? 1 : Math.ceil(bitLength(v) / 64);
}

/**
 * `n.toLocaleString('en-US')` for whole numbers, without Intl (which costs microseconds a call, and
 * a loop can meet a limit at every step): digits grouped by commas. Other numbers go to Intl.
 */
export function grouped(n: number | bigint): string {
  if (typeof n === 'number' && !Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const text = String(n);
  const sign = text.startsWith('-') ? 1 : 0;
  let out = '';
  for (let i = sign; i < text.length; i++) {
    if (i > sign && (text.length - i) % 3 === 0) out += ',';
    out += text[i];
  }
  return text.slice(0, sign) + out;
}

/** An unknown for a value past a limit, told to the budget's owner so the analysis can say what it did not follow. */
function limitMet(reason: string, budget: Budget | undefined): Unknown {
  budget?.limitMet(reason);
  return new Unknown(reason);
}

export function intTooLarge(bits: number, budget?: Budget): Unknown {
  const digits = Math.round(bits * Math.log10(2));
  return limitMet(`an int of about ${grouped(digits)} digits is too large to follow (the limit is ${grouped(MAX_INT_DIGITS)} digits)`, budget);
}

/** The int, or unknown when it is past the limit. */
export function boundedInt(v: bigint, budget?: Budget): bigint | Unknown {
  if (v > -SMALL && v < SMALL) return v;
  const bits = bitLength(v);
  return bits > MAX_INT_BITS ? intTooLarge(bits, budget) : v;
}

export function tooManyItems(count: number | bigint, budget?: Budget): Unknown {
  return limitMet(`a sequence of ${grouped(count)} items is too long to follow (the limit is ${grouped(MAX_ITEMS)})`, budget);
}

export function tooLongString(chars: number | bigint | string, budget?: Budget): Unknown {
  const count = typeof chars === 'string' ? chars : grouped(chars);
  return limitMet(`a string of ${count} characters is too long to follow (the limit is ${grouped(MAX_CHARS)})`, budget);
}

/**
 * How many items a value holds, nested lists, tuples and dicts counted through, stopping at
 * `cap`: what its text or a deep copy costs, known before either is made. A list repeated by
 * reference counts once per reference, as its text would repeat it.
 */
export function nestedItems(v: Value, cap: number): number {
  let count = 0;
  const stack: Value[] = [v];
  while (stack.length && count < cap) {
    const top = stack.pop()!;
    count++;
    if (typeof top === 'string') count += top.length;
    else if (Array.isArray(top)) for (const item of top) stack.push(item);
    else if (top instanceof PyDict) for (const [k, item] of top.entries.values()) stack.push(k, item);
  }
  return count;
}
