import { Value } from '../values/values';
import { MAX_VALUES, ValueTensor } from './valueTensors';

/**
 * numpy.poly1d of known coefficients, highest power first, as BlurPool builds its binomial
 * filter in timm 0.9: `(np.poly1d((0.5, 0.5)) ** (filt_size - 1)).coeffs`. It is a numpy array
 * of its coefficients to everything but its own arithmetic (+, -, *, ** of polynomials) and its
 * attributes (coeffs, c, coef, coefficients, order).
 */
export class Poly1d extends ValueTensor {
  constructor(coeffs: number[], dtype: ValueTensor['dtype']) {
    super(trimLeadingZeros(coeffs), dtype, false, true);
  }

  attribute(name: string): Value | undefined {
    if (name === 'coeffs' || name === 'c' || name === 'coef' || name === 'coefficients') return new ValueTensor(this.values, this.dtype, false, true);
    if (name === 'order') return BigInt(this.values.length - 1);
    return undefined;
  }
}

/** numpy keeps no leading zero coefficient, but one zero for the zero polynomial. */
function trimLeadingZeros(coeffs: number[]): number[] {
  const first = coeffs.findIndex((c) => c !== 0);
  return first < 0 ? [0] : coeffs.slice(first);
}

/** np.poly1d(c): the coefficients of a list or numpy array of known numbers; null for roots (r=True) or anything else. */
export function makePoly1d(positional: Value[], keywords: Map<string, Value>): Value | null {
  const given = positional[0] ?? keywords.get('c_or_r') ?? null;
  const roots = positional[1] ?? keywords.get('r') ?? false;
  if (roots !== false || (positional[2] ?? keywords.get('variable') ?? null) !== null) return null;
  if (given instanceof Poly1d) return given;
  if (given instanceof ValueTensor) return given.numpy && !given.scalar && !given.dims ? new Poly1d(given.values, given.dtype) : null;
  if (!Array.isArray(given) || given.length === 0) return null;
  if (!given.every((c) => typeof c === 'bigint' || typeof c === 'number')) return null;
  const float = given.some((c) => typeof c === 'number');
  return new Poly1d(given.map(Number), float ? 'float64' : 'int64');
}

/** a op b when either is a Poly1d: polynomial +, -, * (a number scales) and ** a non-negative int; null otherwise. */
export function polyArith(op: string, a: Value, b: Value): Value | null {
  const p = asPoly(a);
  const q = asPoly(b);
  if (!p || !q) return null;
  const dtype = p.dtype === 'float64' || q.dtype === 'float64' || p.dtype === 'float32' || q.dtype === 'float32' ? 'float64' : 'int64';
  if (op === '**') {
    // At most the 64th power, whose (len - 1) * b + 1 coefficients stay within MAX_VALUES.
    if (!(a instanceof Poly1d) || typeof b !== 'bigint' || b < 0n || b > 64n || (p.values.length - 1) * Number(b) + 1 > MAX_VALUES) return null;
    let out = [1];
    for (let i = 0n; i < b; i++) out = multiply(out, p.values);
    return new Poly1d(out, p.dtype);
  }
  if (op === '*') return p.values.length + q.values.length - 1 > MAX_VALUES ? null : new Poly1d(multiply(p.values, q.values), dtype);
  if (op === '+' || op === '-') {
    const n = Math.max(p.values.length, q.values.length);
    const pad = (v: readonly number[]): number[] => [...Array<number>(n - v.length).fill(0), ...v];
    const [x, y] = [pad(p.values), pad(q.values)];
    return new Poly1d(x.map((v, i) => (op === '+' ? v + y[i] : v - y[i])), dtype);
  }
  return null;
}

/** A polynomial, or a Python number as the constant polynomial. */
function asPoly(v: Value): ValueTensor | null {
  if (v instanceof Poly1d) return v;
  if (typeof v === 'bigint') return new ValueTensor([Number(v)], 'int64', false, true);
  if (typeof v === 'number') return new ValueTensor([v], 'float64', false, true);
  return null;
}

/** The coefficients of the product (numpy.polymul: a full convolution), in the order numpy sums them. */
function multiply(p: readonly number[], q: readonly number[]): number[] {
  const out = new Array<number>(p.length + q.length - 1).fill(0);
  for (let i = 0; i < p.length; i++) for (let j = 0; j < q.length; j++) out[i + j] += p[i] * q[j];
  return out;
}
