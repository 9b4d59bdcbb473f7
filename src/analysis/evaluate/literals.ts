import { UnknownNumber, Value } from '../values/values';
import { MAX_INT_BITS, boundedInt, intTooLarge } from './limits';

/** Python number literal: ints (with underscores, 0x/0o/0b) become bigints, the rest floats. */
export function parseNumber(text: string): Value {
  let clean = '';
  for (const ch of text) if (ch !== '_') clean += ch;
  const lower = clean.toLowerCase();
  if (lower.endsWith('j')) return new UnknownNumber('complex numbers are not modelled');
  const prefixed = lower.startsWith('0x') || lower.startsWith('0o') || lower.startsWith('0b');
  const isFloat = !prefixed && (lower.includes('.') || lower.includes('e'));
  if (!isFloat) {
    // Python 3.11 refuses a decimal literal past 4,300 digits; a hex one that long is past our int limit too.
    const bits = prefixed ? (lower.length - 2) * (lower[1] === 'x' ? 4 : lower[1] === 'o' ? 3 : 1) : lower.length / Math.log10(2);
    if (bits > MAX_INT_BITS + 4) return intTooLarge(bits);
    return boundedInt(BigInt(lower));
  }
  return Number(lower);
}

/** The prefix letters (r, b, f, u) and quote of a string token, and where its body starts and ends. */
export function stringBounds(text: string): { prefix: string; start: number; end: number } {
  let i = 0;
  while (i < text.length && text[i] !== '"' && text[i] !== "'") i++;
  const prefix = text.slice(0, i).toLowerCase();
  if (i >= text.length) return { prefix, start: i, end: i };
  const triple = text.startsWith(text[i].repeat(3), i) && text.length - i >= 6;
  const q = triple ? 3 : 1;
  return { prefix, start: i + q, end: text.length - q };
}

/** A plain string literal's value, with the common escapes. */
export function parseString(text: string): string {
  const { prefix, start, end } = stringBounds(text);
  const body = text.slice(start, Math.max(start, end));
  return prefix.includes('r') ? body : unescape(body);
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', '\n': '' };

export function unescape(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\' && i + 1 < body.length && body[i + 1] in ESCAPES) {
      out += ESCAPES[body[i + 1]];
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}
