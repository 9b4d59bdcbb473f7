/**
 * Python values as the static analysis sees them. Python's `int` is unbounded, so it is a
 * bigint here; Python's `float` is a JS number; tuples and lists are arrays (a tuple is
 * marked so that messages can print it the way Python does).
 */
export type PyValue = bigint | number | string | boolean | null | PyTuple | PyValue[];

/** A Python tuple: an array carrying a marker so `repr` prints `(1, 2)` rather than `[1, 2]`. */
export interface PyTuple extends Array<PyValue> {
  readonly isTuple: true;
}

export function tuple(items: PyValue[]): PyTuple {
  return Object.assign([...items], { isTuple: true as const });
}

export function isTuple(value: PyValue): value is PyTuple {
  return Array.isArray(value) && (value as Partial<PyTuple>).isTuple === true;
}

/** True for Python ints, which include bools (`True == 1`). */
export function isPyInt(value: PyValue): value is bigint | boolean {
  return typeof value === 'bigint' || typeof value === 'boolean';
}

export function toBigInt(value: bigint | boolean): bigint {
  return typeof value === 'boolean' ? (value ? 1n : 0n) : value;
}

/** Python's `repr` for the values a conv constructor sees. */
export function pyRepr(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return pyFloatRepr(value);
  if (typeof value === 'string') return pyStringRepr(value);
  const inner = value.map(pyRepr);
  if (isTuple(value)) return inner.length === 1 ? `(${inner[0]},)` : `(${inner.join(', ')})`;
  return `[${inner.join(', ')}]`;
}

function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  return String(x);
}

function pyStringRepr(s: string): string {
  // Python prefers single quotes unless the string contains one and no double quote.
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const escaped = s.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`).replace(/\n/g, '\\n');
  return `${quote}${escaped}${quote}`;
}

/** Python's type name, for TypeError messages. */
export function pyTypeName(value: PyValue): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'float';
  if (typeof value === 'string') return 'str';
  return isTuple(value) ? 'tuple' : 'list';
}

/**
 * torch.nn.modules.utils._ntuple: an iterable becomes a tuple of its items as they are
 * (any length, which PyTorch only notices later); anything else is repeated n times.
 */
export function ntuple(value: PyValue, n: number): PyValue[] {
  if (Array.isArray(value)) return [...value];
  if (typeof value === 'string') return [...value];
  return repeated(value, n);
}

/** `n` copies of `value` (a loop: Array.from over an array-like costs several times more on hot paths). */
export function repeated<T>(value: T, n: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(value);
  return out;
}
