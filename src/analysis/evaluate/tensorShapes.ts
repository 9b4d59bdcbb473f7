import { PyError } from '../values/errors';
import { ELLIPSIS, SliceValue, Tensor, Value, isTupleValue } from '../values/values';
import { ValueTensor, isIntegerTensor } from '../torch/valueTensors';

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

/**
 * Shape of `t[key]` for ints, booleans, slices, None, Ellipsis and index tensors, with PyTorch's
 * IndexError where an int is out of range or the indices outnumber the dimensions.
 */
export function tensorIndex(t: Tensor, key: Value): Value {
  if (!t.shape) return new Tensor(null);
  const shape = t.shape;
  const given = Array.isArray(key) && isTupleValue(key) ? key : [key];
  // A list of ints indexes as an int64 tensor of those values would (csatv2's zigzag order
  // `x[:, :, self.permutation]`), each within its dim.
  const keys = given.map((k, i) => (Array.isArray(k) && !isTupleValue(k) ? listIndex(k, shape[dimOfKey(given, i, shape.length)]) : k));
  const out: bigint[] = [];
  let dim = 0;
  // None and a bool add a dimension (of 1; of 0 for False) without using one; `...` stands for
  // every dimension the others leave. Two `...` are left unknown (PyTorch 1.13 accepts them).
  const explicit = keys.filter((k) => k !== null && k !== ELLIPSIS && typeof k !== 'boolean').length;
  if (keys.filter((k) => k === ELLIPSIS).length > 1) return new Tensor(null);
  if (explicit > shape.length) throw new PyError('IndexError', `too many indices for tensor of dimension ${shape.length}`);
  for (const k of keys) {
    if (k === null) {
      out.push(1n);
    } else if (typeof k === 'boolean') {
      out.push(k ? 1n : 0n);
    } else if (k === ELLIPSIS) {
      const skip = shape.length - explicit;
      for (let i = 0; i < skip; i++) out.push(shape[dim++]);
    } else if (k instanceof SliceValue) {
      out.push(sliceLength(k, shape[dim++]));
    } else if (typeof k === 'bigint') {
      const size = shape[dim];
      if (k >= size || k < -size) throw new PyError('IndexError', `index ${k} is out of bounds for dimension ${dim} with size ${size}`);
      dim++;
    } else if (k instanceof Tensor && k.shape && (keys.length === 1 || (isIntegerTensor(k) && keys.every((o) => o === k || o instanceof SliceValue)))) {
      // An index tensor (a relative-position table read through a registered index buffer)
      // puts its own shape in place of the dimension it indexes. A boolean mask would not, but
      // masks come from comparisons, whose shapes are unknown. Beside slices (LeViT's
      // `biases[:, idxs]`) it must be known to hold integers, and be the only index tensor: one
      // advanced index among slices stays in place, as NumPy's rules put it.
      for (const size of k.shape) out.push(size);
      dim++;
    } else {
      return new Tensor(null);
    }
  }
  while (dim < shape.length) out.push(shape[dim++]);
  return new Tensor(out);
}

/** The dim the i-th key of an index without `...` before it reads (None and bools read none). */
function dimOfKey(keys: readonly Value[], i: number, rank: number): number {
  if (keys.slice(0, i).includes(ELLIPSIS)) {
    const after = keys.slice(i + 1).filter((k) => k !== null && k !== ELLIPSIS && typeof k !== 'boolean').length;
    return rank - 1 - after;
  }
  return keys.slice(0, i).filter((k) => k !== null && typeof k !== 'boolean').length;
}

/** A list index as an int64 tensor of its values, or the list itself (left unknown) when it holds anything but ints; PyTorch 1.13 names dimension 0 in its error whatever the dim. */
function listIndex(items: readonly Value[], size: bigint | undefined): Value {
  if (!items.every((v): v is bigint => typeof v === 'bigint')) return items as Value[];
  if (size !== undefined) {
    for (const v of items) if (v >= size || v < -size) throw new PyError('IndexError', `index ${v} is out of bounds for dimension 0 with size ${size}`);
  }
  return new ValueTensor(items.map(Number), 'int64');
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

const dims = (s: readonly bigint[]): string => s.join('x');

/**
 * The shape of `a @ b` (torch.matmul), with PyTorch 1.13's message where it rejects the shapes:
 * vectors are promoted to a row (left) or a column (right) and dropped again, and the dims before
 * the last two broadcast as batch dims.
 */
export function matmulShape(a: Value, b: Value): Value {
  if (!(a instanceof Tensor) || !(b instanceof Tensor) || !a.shape || !b.shape) return new Tensor(null);
  const x = a.shape;
  const y = b.shape;
  if (x.length === 0 || y.length === 0) {
    throw new PyError('RuntimeError', `both arguments to matmul need to be at least 1D, but they are ${x.length}D and ${y.length}D`);
  }
  if (x.length === 1 && y.length === 1) {
    if (x[0] !== y[0]) throw new PyError('RuntimeError', `inconsistent tensor size, expected tensor [${x[0]}] and src [${y[0]}] to have the same number of elements, but got ${x[0]} and ${y[0]} elements respectively`);
    return new Tensor([]);
  }
  if (x.length >= 3 && y.length >= 3) {
    // Batches broadcast first; then matmul runs one bmm over the product of the batch dims.
    const batch = broadcastShapes(x.slice(0, -2), y.slice(0, -2));
    const b = product(batch);
    if (x[x.length - 1] !== y[y.length - 2]) {
      throw new PyError('RuntimeError', `Expected size for first two dimensions of batch2 tensor to be: [${b}, ${x[x.length - 1]}] but got: [${b}, ${y[y.length - 2]}].`);
    }
    return new Tensor([...batch, x[x.length - 2], y[y.length - 1]]);
  }
  const inner = x[x.length - 1];
  const matching = y.length === 1 ? y[0] : y[y.length - 2];
  if (inner !== matching) throw new PyError('RuntimeError', matmulMismatch(x, y));
  if (y.length === 1) return new Tensor(x.slice(0, -1));
  if (x.length === 1) return new Tensor([...y.slice(0, -2), y[y.length - 1]]);
  return new Tensor([...x.slice(0, -2), ...y.slice(0, -2), x[x.length - 2], y[y.length - 1]]);
}

const product = (s: readonly bigint[]): bigint => s.reduce((p, v) => p * v, 1n);

/**
 * PyTorch 1.13's message for inner dims that differ when at most one side has batch dims. It
 * folds the batched side into rows: a batch times a matrix or vector directly, a matrix or vector
 * times a batch through the transposes (y^T x^T), so the message shows those.
 */
function matmulMismatch(x: readonly bigint[], y: readonly bigint[]): string {
  if (x.length === 1 && y.length === 2) return `mat1 and mat2 shapes cannot be multiplied (1x${x[0]} and ${dims(y)})`;
  if (y.length >= 3) {
    const rows = product(y.slice(0, -2)) * y[y.length - 1];
    const folded = `${rows}x${y[y.length - 2]}`;
    return x.length === 1 ? `size mismatch, got ${rows}, ${folded},${x[0]}` : `mat1 and mat2 shapes cannot be multiplied (${folded} and ${x[1]}x${x[0]})`;
  }
  const rows = product(x.slice(0, -1));
  const folded = `${rows}x${x[x.length - 1]}`;
  return y.length === 1 ? `size mismatch, got ${rows}, ${folded},${y[0]}` : `mat1 and mat2 shapes cannot be multiplied (${folded} and ${dims(y)})`;
}
