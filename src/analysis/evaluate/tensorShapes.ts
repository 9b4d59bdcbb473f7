import { PyError } from '../values/errors';
import { SliceValue, Tensor, Unknown, Value, isTupleValue } from '../values/values';

/** NumPy/PyTorch broadcasting of two shapes; throws PyTorch's error on a mismatch. */
export function broadcastShapes(a: readonly bigint[], b: readonly bigint[]): bigint[] {
  const n = Math.max(a.length, b.length);
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1n;
    const y = b[b.length - n + i] ?? 1n;
    if (x !== y && x !== 1n && y !== 1n) {
      throw new PyError('RuntimeError', `The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${i}`);
    }
    out.push(x === 1n ? y : x);
  }
  return out;
}

/** A dimension argument, wrapped like PyTorch does for negative values. */
export function wrapDim(dim: Value, rank: number): number {
  const d = Number(typeof dim === 'bigint' ? dim : typeof dim === 'boolean' ? (dim ? 1 : 0) : NaN);
  const wrapped = d < 0 ? d + rank : d;
  if (!Number.isInteger(wrapped) || wrapped < 0 || wrapped >= Math.max(rank, 1)) {
    throw new PyError('IndexError', `Dimension out of range (expected to be in range of [${-Math.max(rank, 1)}, ${Math.max(rank, 1) - 1}], but got ${d})`);
  }
  return wrapped;
}

/** Shape of `t[key]` for ints, slices, None and Ellipsis. */
export function tensorIndex(t: Tensor, key: Value): Value {
  if (!t.shape) return new Tensor(null);
  const keys = Array.isArray(key) && isTupleValue(key) ? key : [key];
  const shape = t.shape;
  const out: bigint[] = [];
  let dim = 0;
  const explicit = keys.filter((k) => k !== null && !(k instanceof Unknown && k.reason === 'Ellipsis')).length;
  for (const k of keys) {
    if (k === null) {
      out.push(1n);
    } else if (k instanceof Unknown && k.reason === 'Ellipsis') {
      const skip = shape.length - explicit;
      for (let i = 0; i < skip; i++) out.push(shape[dim++]);
    } else if (k instanceof SliceValue) {
      out.push(sliceLength(k, shape[dim++]));
    } else if (typeof k === 'bigint' || typeof k === 'boolean') {
      dim++;
    } else if (k instanceof Tensor && k.shape && keys.length === 1) {
      // An index tensor (a relative-position table read through a registered index buffer)
      // puts its own shape in place of the dimension it indexes. A boolean mask would not, but
      // masks come from comparisons, whose shapes are unknown.
      for (const size of k.shape) out.push(size);
      dim++;
    } else {
      return new Tensor(null);
    }
  }
  while (dim < shape.length) out.push(shape[dim++]);
  return new Tensor(out);
}

function sliceLength(s: SliceValue, size: bigint): bigint {
  const step = typeof s.step === 'bigint' ? s.step : 1n;
  const clamp = (v: Value, d: bigint): bigint => {
    if (typeof v !== 'bigint') return d;
    const i = v < 0n ? v + size : v;
    return i < 0n ? 0n : i > size ? size : i;
  };
  const start = clamp(s.start, 0n);
  const stop = clamp(s.stop, size);
  return stop > start ? (stop - start + step - 1n) / step : 0n;
}

/** The output shape of view/reshape with at most one -1. */
export function reshape(shape: readonly bigint[], sizes: bigint[]): bigint[] {
  const total = shape.reduce((a, b) => a * b, 1n);
  const known = sizes.filter((s) => s !== -1n).reduce((a, b) => a * b, 1n);
  const infer = sizes.indexOf(-1n);
  if (infer >= 0) {
    if (known === 0n || total % known !== 0n) throw new PyError('RuntimeError', `shape '[${sizes.join(', ')}]' is invalid for input of size ${total}`);
    return sizes.map((s) => (s === -1n ? total / known : s));
  }
  if (known !== total) throw new PyError('RuntimeError', `shape '[${sizes.join(', ')}]' is invalid for input of size ${total}`);
  return sizes;
}
