import { PyError } from '../values/errors';
import { Unknown, Value, tupleOf, unknown } from '../values/values';

// Python's str methods that model configs parse names with (`'ir_r1_k3'.split('_', 1)`,
// `name.rpartition('.')`, `s.strip('[]')`), with Python's rules for maxsplit, whitespace and
// stripped characters. Each returns undefined for an argument it does not model, so the caller
// reports it instead of guessing.

const WHITESPACE = /\s/;

function isSpace(c: string): boolean {
  return WHITESPACE.test(c);
}

/** The int a maxsplit argument holds (-1 for none), or null when it is not an int. */
function maxSplitOf(v: Value | undefined): number | null {
  if (v === undefined || v === null) return -1;
  if (typeof v === 'bigint') return v < 0n ? -1 : Number(v > 1_000_000n ? 1_000_000n : v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

function splitOnWhitespace(s: string, maxsplit: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i])) i++;
    if (i >= s.length) return out;
    if (maxsplit >= 0 && out.length === maxsplit) {
      out.push(s.slice(i));
      return out;
    }
    const start = i;
    while (i < s.length && !isSpace(s[i])) i++;
    out.push(s.slice(start, i));
  }
}

function splitOn(s: string, sep: string, maxsplit: number): string[] {
  if (sep === '') throw new PyError('ValueError', 'empty separator');
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const at = maxsplit >= 0 && out.length === maxsplit ? -1 : s.indexOf(sep, from);
    if (at < 0) {
      out.push(s.slice(from));
      return out;
    }
    out.push(s.slice(from, at));
    from = at + sep.length;
  }
}

function reversed(s: string): string {
  return [...s].reverse().join('');
}

/** str.split and str.rsplit; rsplit is split of the reversed string, every part reversed back. */
export function pySplit(s: string, sepArg: Value | undefined, maxArg: Value | undefined, fromRight: boolean): Value[] | Unknown {
  const maxsplit = maxSplitOf(maxArg);
  if (maxsplit === null) return unknown(`split with a maxsplit of ${typeof maxArg}`);
  if (sepArg !== undefined && sepArg !== null && typeof sepArg !== 'string') return unknown('split with a separator that is not a str');
  if (!fromRight) return sepArg === undefined || sepArg === null ? splitOnWhitespace(s, maxsplit) : splitOn(s, sepArg, maxsplit);
  const parts = sepArg === undefined || sepArg === null ? splitOnWhitespace(reversed(s), maxsplit) : splitOn(reversed(s), reversed(sepArg), maxsplit);
  return parts.map(reversed).reverse();
}

/** str.strip, lstrip and rstrip, with or without the characters to strip. */
export function pyStrip(s: string, charsArg: Value | undefined, left: boolean, right: boolean): string | Unknown {
  if (charsArg !== undefined && charsArg !== null && typeof charsArg !== 'string') return unknown('strip with characters that are not a str');
  const strips = charsArg === undefined || charsArg === null ? isSpace : (c: string) => charsArg.includes(c);
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  if (left) while (start < end && strips(chars[start])) start++;
  if (right) while (end > start && strips(chars[end - 1])) end--;
  return chars.slice(start, end).join('');
}

/** str.partition and str.rpartition. */
export function pyPartition(s: string, sepArg: Value | undefined, fromRight: boolean): Value {
  if (typeof sepArg !== 'string') return unknown('partition with a separator that is not a str');
  if (sepArg === '') throw new PyError('ValueError', 'empty separator');
  const at = fromRight ? s.lastIndexOf(sepArg) : s.indexOf(sepArg);
  if (at < 0) return tupleOf(fromRight ? ['', '', s] : [s, '', '']);
  return tupleOf([s.slice(0, at), sepArg, s.slice(at + sepArg.length)]);
}

export const MORE_STRING_METHODS = new Set([
  'split', 'rsplit', 'strip', 'lstrip', 'rstrip', 'partition', 'rpartition', 'find', 'rfind', 'index', 'rindex', 'count',
  'removeprefix', 'removesuffix', 'isalpha', 'isalnum', 'isspace', 'capitalize',
]);

/** The str methods beyond the basic ones in attributes.ts, or undefined when `name` is none of them. */
export function moreStringMethod(s: string, name: string, args: Value[], kw: Map<string, Value>): Value | undefined {
  const arg = (i: number, key: string): Value | undefined => args[i] ?? kw.get(key);
  switch (name) {
    case 'split':
    case 'rsplit':
      return pySplit(s, arg(0, 'sep'), arg(1, 'maxsplit'), name === 'rsplit');
    case 'strip':
    case 'lstrip':
    case 'rstrip':
      return pyStrip(s, args[0], name !== 'rstrip', name !== 'lstrip');
    case 'partition':
    case 'rpartition':
      return pyPartition(s, args[0], name === 'rpartition');
    case 'find':
    case 'rfind':
    case 'index':
    case 'rindex':
    case 'count':
      return searchMethod(s, name, args);
    case 'removeprefix':
      return typeof args[0] === 'string' && s.startsWith(args[0]) ? s.slice(args[0].length) : typeof args[0] === 'string' ? s : undefined;
    case 'removesuffix':
      return typeof args[0] === 'string' && args[0] !== '' && s.endsWith(args[0]) ? s.slice(0, -args[0].length) : typeof args[0] === 'string' ? s : undefined;
    case 'isalpha':
      return s.length > 0 && /^[\p{L}]+$/u.test(s);
    case 'isalnum':
      return s.length > 0 && /^[\p{L}\p{N}]+$/u.test(s);
    case 'isspace':
      return s.length > 0 && [...s].every(isSpace);
    case 'capitalize':
      return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1).toLowerCase();
  }
  return undefined;
}

function searchMethod(s: string, name: string, args: Value[]): Value | undefined {
  const [sub] = args;
  if (typeof sub !== 'string' || args.length > 1) return undefined;
  if (name === 'count') return BigInt(sub === '' ? s.length + 1 : s.split(sub).length - 1);
  const at = name === 'find' || name === 'index' ? s.indexOf(sub) : s.lastIndexOf(sub);
  if (at < 0 && (name === 'index' || name === 'rindex')) throw new PyError('ValueError', 'substring not found');
  return BigInt(at);
}
