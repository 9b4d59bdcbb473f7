import { einsumShape } from './einsum';
import { splitMethod } from './splitOps';
import { PyError } from '../values/errors';
import { Builtin, Namespace, Tensor, Value, tupleOf, unknown } from '../values/values';

/**
 * Small 1-D tensors (and numpy arrays) whose values are known: the per-block widths RegNet
 * computes with torch.arange/log/round/pow, the drop-path rates of ConvNeXt, Swin or MaxViT from
 * torch.linspace or np.linspace. Their values follow PyTorch's dtypes: integer tensors stay
 * integers, float tensors are float32 (every result rounded to single precision, as PyTorch
 * computes them) and numpy arrays float64. Anything else falls back to shape-only tensors.
 */
export type ValueDtype = 'int64' | 'int32' | 'float32' | 'float64' | 'bool';

/** The most values a known-value tensor holds, and the most of anything one is split or reshaped into; past it, values are left to shapes. */
export const MAX_VALUES = 4096;

/**
 * torch's dtypes as the analysis holds them: opaque values (nothing reads a dtype but the
 * value functions here), each known by identity, with the element type its values take; null
 * for the ones these tensors do not model (half precision, complex...).
 */
const DTYPE_ELEMENTS: Record<string, ValueDtype | null> = {
  int64: 'int64', long: 'int64', int32: 'int32', int: 'int32',
  float32: 'float32', float: 'float32', float64: 'float64', double: 'float64',
  float16: null, half: null, bfloat16: null, bool: 'bool',
};
const dtypeElements = new WeakMap<object, ValueDtype | null>();
const PYTHON_TYPE_ELEMENTS: Record<string, ValueDtype> = { float: 'float64', int: 'int64', bool: 'bool' };

/** torch.<name> for each dtype, one shared value per alias pair (torch.long is torch.int64). */
export function torchDtypes(): Map<string, Value> {
  return dtypeValues('torch', DTYPE_ELEMENTS);
}

/** numpy's scalar types that name the dtypes modelled here (np.float32, np.int64...). */
const NUMPY_DTYPE_ELEMENTS: Record<string, ValueDtype | null> = {
  int64: 'int64', int_: 'int64', int32: 'int32', intc: 'int32', float32: 'float32', single: 'float32',
  float64: 'float64', float_: 'float64', double: 'float64', bool_: 'bool', float16: null, half: null,
};

/** The names astype() takes: numpy's own, and Python's int, float and bool as numpy reads them. */
const NUMPY_DTYPE_NAMES: Record<string, ValueDtype | null> = { ...NUMPY_DTYPE_ELEMENTS, int: 'int64', float: 'float64', bool: 'bool' };

function dtypeValues(library: string, elements: Record<string, ValueDtype | null>): Map<string, Value> {
  const out = new Map<string, Value>();
  const made = new Map<ValueDtype | null, Value>();
  for (const [name, element] of Object.entries(elements)) {
    const same = element === null ? undefined : made.get(element);
    const value = same ?? unknown(`${library}.${name} (a dtype) is not modelled`);
    if (element !== null) made.set(element, value);
    dtypeElements.set(value as object, element);
    out.set(name, value);
  }
  return out;
}

/**
 * Shape-only tensors known to hold integers (made with an integer `dtype=`, or by randint): an
 * index tensor must be one before it is combined with slices (`biases[:, idxs]`), as a boolean
 * mask of the same shape would select differently.
 */
const integerTensors = new WeakSet<Tensor>();

/** A new tensor of a factory call, noted as integer when its dtype says so. */
export function withCreatedDtype(t: Tensor, keywords: ReadonlyMap<string, Value>, integerByDefault = false): Tensor {
  const requested = requestedDtype(keywords as Map<string, Value>);
  if (requested === 'int64' || requested === 'int32' || (requested === undefined && integerByDefault)) integerTensors.add(t);
  return t;
}

/** Notes a shape-only tensor as holding integers (its dtype is an integer one); returns it. */
export function markInteger(t: Tensor): Tensor {
  integerTensors.add(t);
  return t;
}

/**
 * Marks `result` as holding integers when every tensor it was computed from does (and the op
 * keeps integers: indexing, reshaping, permuting, stacking, abs, +, -, *, //, %); returns it.
 */
export function integerIf(result: Value, sources: readonly Value[]): Value {
  if (result instanceof Tensor && !(result instanceof ValueTensor) && sources.every((s) => typeof s === 'bigint' || (s instanceof Tensor ? isIntegerTensor(s) : false)) && sources.some((s) => s instanceof Tensor)) {
    integerTensors.add(result);
  }
  return result;
}

/** Whether a tensor is known to hold integers (a known-value one by its dtype). */
export function isIntegerTensor(v: Value): boolean {
  if (v instanceof ValueTensor) return v.dtype === 'int64' || v.dtype === 'int32';
  return v instanceof Tensor && integerTensors.has(v);
}

/**
 * The element type a `dtype=` keyword asks for: undefined when none is given (or None), the
 * dtype when it is one these tensors model, null when it is any other value (the caller then
 * falls back to a shape-only tensor, never guessing the values' type).
 */
function requestedDtype(keywords: Map<string, Value>): ValueDtype | null | undefined {
  const v = keywords.get('dtype');
  if (v === undefined || v === null) return undefined;
  // Python's own types name a dtype in torch and numpy alike: float is float64, int is int64.
  if (v instanceof Builtin && Object.hasOwn(PYTHON_TYPE_ELEMENTS, v.name)) return PYTHON_TYPE_ELEMENTS[v.name];
  return typeof v === 'object' && dtypeElements.has(v) ? dtypeElements.get(v)! : null;
}

export class ValueTensor extends Tensor {
  /**
   * `numpy`: a numpy array (or numpy scalar), whose arithmetic follows numpy's type promotion
   * (`np.arange(4) * 0.3` is float64, where `torch.arange(4) * 0.3` is float32).
   */
  constructor(
    readonly values: number[],
    readonly dtype: ValueDtype,
    readonly scalar = false,
    readonly numpy = false,
    /** The shape of a tensor of two or more dims (values in row-major order); null for 0-d and 1-d ones. */
    readonly dims: readonly bigint[] | null = null,
  ) {
    super(scalar ? [] : dims ? [...dims] : [BigInt(values.length)]);
  }

  /** A tensor of the same library (torch or numpy) with these values. */
  like(values: number[], dtype: ValueDtype = this.dtype, scalar = this.scalar): ValueTensor {
    return new ValueTensor(values, dtype, scalar, this.numpy);
  }

  /** The Python value of one element: int for integer dtypes, float otherwise. */
  item(i: number): Value {
    const v = this.values[i];
    if (this.dtype === 'bool') return v !== 0;
    return isIntegerDtype(this.dtype) ? BigInt(Math.trunc(v)) : v;
  }

  /** Iteration yields 0-d tensors of a 1-d tensor, as PyTorch's does, and the rows of a larger one. */
  items(): Value[] {
    if (!this.dims) return this.values.map((v) => this.like([v], this.dtype, true));
    const rows = Number(this.dims[0]);
    const size = rows === 0 ? 0 : this.values.length / rows;
    const inner = this.dims.slice(1);
    return Array.from({ length: rows }, (_, i) => new ValueTensor(this.values.slice(i * size, (i + 1) * size), this.dtype, false, this.numpy, inner.length > 1 ? inner : null));
  }

  /** tolist(): a Python number of a 0-d tensor, nested lists of any other. */
  toList(): Value {
    if (this.scalar) return this.item(0);
    if (!this.dims) return this.values.map((_, i) => this.item(i));
    return this.items().map((row) => (row as ValueTensor).toList());
  }
}

/** Whether a dtype holds integers. */
export function isIntegerDtype(d: ValueDtype): boolean {
  return d === 'int64' || d === 'int32';
}

function isFloatDtype(d: ValueDtype): boolean {
  return d === 'float32' || d === 'float64';
}

/** Rounds to the dtype's precision: float32 through Math.fround, int32 by truncation and wrap. */
function cast(v: number, d: ValueDtype): number {
  if (d === 'float32') return Math.fround(v);
  if (d === 'int32') return Math.trunc(v) | 0;
  if (d === 'int64') return Math.trunc(v);
  if (d === 'bool') return v !== 0 ? 1 : 0;
  return v;
}

/** Python scalars and known tensors as (values, dtype, is-a-Python-number). */
function operand(v: Value): { values: number[]; dtype: ValueDtype; wrapped: boolean; numpy: boolean } | null {
  if (v instanceof ValueTensor) return { values: v.values, dtype: v.dtype, wrapped: false, numpy: v.numpy };
  if (typeof v === 'bigint') return { values: [Number(v)], dtype: 'int64', wrapped: true, numpy: false };
  if (typeof v === 'number') return { values: [v], dtype: 'float64', wrapped: true, numpy: false };
  if (typeof v === 'boolean') return { values: [v ? 1 : 0], dtype: 'bool', wrapped: true, numpy: false };
  return null;
}

type Operand = NonNullable<ReturnType<typeof operand>>;

/**
 * The dtype of a op b, by the rules of the library the arrays come from; null when a numpy
 * array meets a torch tensor, or for numpy dtypes these rules do not cover (bools alone).
 */
function resultDtype(a: Operand, b: Operand, op: string): { dtype: ValueDtype; numpy: boolean } | null {
  const arrays = [a, b].filter((o) => !o.wrapped);
  const numpy = arrays.some((o) => o.numpy);
  if (numpy && arrays.some((o) => !o.numpy)) return null;
  if (!numpy) return { dtype: promote(a, b, op), numpy };
  const dtype = promoteNumpy(a, b, op);
  return dtype && { dtype, numpy };
}

/**
 * NumPy 1.x's promotion (value-based for Python scalars): an int array with a Python float, or
 * with a float32 array, is float64; a float32 array stays float32 beside a Python number; int
 * arrays stay int64 (int32 beside a Python int); true division of ints is float64.
 */
function promoteNumpy(a: Operand, b: Operand, op: string): ValueDtype | null {
  const arrays = [a, b].filter((o) => !o.wrapped).map((o) => o.dtype);
  const scalars = [a, b].filter((o) => o.wrapped).map((o) => o.dtype);
  let out: ValueDtype;
  if (arrays.some(isFloatDtype)) {
    out = arrays.includes('float64') || arrays.some(isIntegerDtype) ? 'float64' : 'float32';
  } else if (scalars.some(isFloatDtype)) {
    out = 'float64';
  } else if (arrays.includes('int64') || (arrays.includes('bool') && arrays.some(isIntegerDtype))) {
    out = 'int64';
  } else if (arrays.includes('int32')) {
    out = 'int32';
  } else if (scalars.some(isIntegerDtype)) {
    out = 'int64';
  } else {
    return null;
  }
  if (op === '/' && !isFloatDtype(out)) out = 'float64';
  return out;
}

/** PyTorch's type promotion for two operands where a Python number never widens a tensor's float dtype. */
function promote(a: ReturnType<typeof operand> & object, b: ReturnType<typeof operand> & object, op: string): ValueDtype {
  const tensorDtypes = [a, b].filter((o) => !o.wrapped).map((o) => o.dtype);
  const anyFloat = isFloatDtype(a.dtype) || isFloatDtype(b.dtype);
  let out: ValueDtype;
  if (anyFloat) {
    const floatTensor = tensorDtypes.find(isFloatDtype);
    out = floatTensor ?? (tensorDtypes.length ? 'float32' : 'float64');
  } else {
    out = tensorDtypes.includes('int64') || tensorDtypes.length === 0 ? 'int64' : tensorDtypes[0] ?? 'int64';
    if (out === 'bool') out = 'int64';
  }
  if (op === '/' && !isFloatDtype(out)) out = 'float32';
  return out;
}

const ARITH: Record<string, (x: number, y: number) => number> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  '/': (x, y) => x / y,
  '//': (x, y) => Math.floor(x / y),
  '%': (x, y) => x - Math.floor(x / y) * y,
  '**': (x, y) => x ** y,
};

/** a op b when either is a known-value tensor; null when the other operand is not a known number or tensor. */
export function valueArith(op: string, a: Value, b: Value): ValueTensor | null {
  const f = ARITH[op];
  return f ? elementwise(op, a, b, (x, y, dtype) => cast(f(x, y), dtype), null) : null;
}

/**
 * f of each pair of elements of a and b (a 1-element side paired with every element of the
 * other), both taken in the dtype the library promotes them to; the result in that dtype, or in
 * `resultDtypeOverride` when given (a comparison's bool).
 */
function elementwise(op: string, a: Value, b: Value, f: (x: number, y: number, dtype: ValueDtype) => number, resultDtypeOverride: ValueDtype | null): ValueTensor | null {
  if (!(a instanceof ValueTensor || b instanceof ValueTensor) || hasDims(a) || hasDims(b)) return null;
  const x = operand(a);
  const y = operand(b);
  if (!x || !y) return null;
  const n = Math.max(x.values.length, y.values.length);
  if ((x.values.length !== n && x.values.length !== 1) || (y.values.length !== n && y.values.length !== 1)) return null;
  const result = resultDtype(x, y, op);
  if (!result) return null;
  const { dtype } = result;
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = cast(x.values[x.values.length === 1 ? 0 : i], dtype);
    const yi = cast(y.values[y.values.length === 1 ? 0 : i], dtype);
    values.push(f(xi, yi, dtype));
  }
  const scalar = (a instanceof ValueTensor ? a.scalar : true) && (b instanceof ValueTensor ? b.scalar : true);
  return new ValueTensor(values, resultDtypeOverride ?? dtype, scalar, result.numpy);
}

/** A known tensor of two or more dims, whose elementwise arithmetic is left to shapes. */
function hasDims(v: Value): boolean {
  return v instanceof ValueTensor && v.dims !== null;
}

const COMPARE: Record<string, (x: number, y: number) => boolean> = {
  '<': (x, y) => x < y,
  '<=': (x, y) => x <= y,
  '>': (x, y) => x > y,
  '>=': (x, y) => x >= y,
  '==': (x, y) => x === y,
  '!=': (x, y) => x !== y,
};

/**
 * a op b, a comparison, when either is a known-value tensor: a bool tensor, element by element,
 * compared in the promoted dtype as PyTorch does (`torch.tensor([0.1]) > 0.1` is False: the
 * Python float is taken at float32 first); null when the other operand is not a known number or
 * tensor.
 */
export function valueCompare(op: string, a: Value, b: Value): ValueTensor | null {
  const f = COMPARE[op];
  return f ? elementwise(op, a, b, (x, y) => (f(x, y) ? 1 : 0), 'bool') : null;
}

/**
 * t.reshape(...) and t.view(...) of known values: the same values in row-major order under the
 * new shape (one size may be -1). A size that does not fit is left to the shape-only method
 * (PyTorch's error) for a torch tensor, and unknown for a numpy array, whose message differs.
 */
function reshapedValues(t: ValueTensor, args: Value[]): Value | undefined {
  const given = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (given.length === 0 || !given.every((v): v is bigint => typeof v === 'bigint' && v >= -1n)) return undefined;
  const n = BigInt(t.values.length);
  const known = given.filter((v) => v !== -1n).reduce((a, b) => a * b, 1n);
  const free = given.filter((v) => v === -1n).length;
  const fits = free === 0 ? known === n : free === 1 && known !== 0n && n % known === 0n;
  if (!fits) return t.numpy ? unknown('numpy reshape to a size that does not fit is not modelled') : undefined;
  const sizes = given.map((v) => (v === -1n ? n / known : v));
  // An empty tensor fits any shape with a 0 in it, [10**12, 0] too: its rows are not made one by one.
  if (sizes.some((v) => v > BigInt(MAX_VALUES))) return undefined;
  if (sizes.length === 1) return t.like(t.values, t.dtype, false);
  return new ValueTensor(t.values, t.dtype, false, t.numpy, sizes);
}

/** Round half to even, as torch.round and numpy.round do. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** An elementwise float function: integers are taken as float32 in torch, float64 in numpy. */
function unary(t: ValueTensor, f: (x: number) => number): ValueTensor | null {
  if (t.dims) return null;
  const dtype = isFloatDtype(t.dtype) ? t.dtype : t.numpy ? 'float64' : 'float32';
  return t.like(t.values.map((v) => cast(f(cast(v, dtype)), dtype)), dtype);
}

/** Tensor methods that read or convert values; null for the ones shapes alone answer. */
export function valueTensorMethod(t: ValueTensor, name: string, args: Value[]): Value | undefined {
  if (name === 'reshape' || name === 'view') return reshapedValues(t, args);
  if (t.dims) return name === 'tolist' ? t.toList() : undefined;
  switch (name) {
    case 'tolist':
      return t.toList();
    case 'item':
      return t.values.length === 1 ? t.item(0) : unknown('item() of a tensor with more than one element');
    case 'int':
      return t.like(t.values.map((v) => cast(v, 'int32')), 'int32');
    case 'long':
      return t.like(t.values.map((v) => cast(v, 'int64')), 'int64');
    case 'float':
      return t.like(t.values.map((v) => cast(v, 'float32')), 'float32');
    case 'double':
      return t.like(t.values, 'float64');
    case 'astype': {
      // int, float and bool, numpy's and torch's dtypes, or their names; anything else is not guessed.
      const to = args[0] ?? null;
      const dtype = typeof to === 'string' ? NUMPY_DTYPE_NAMES[to] ?? null : requestedDtype(new Map([['dtype', to]]));
      if (!dtype) return undefined;
      return t.like(t.values.map((v) => cast(v, dtype)), dtype);
    }
    case 'round':
      return t.like(t.values.map(roundHalfEven));
    case 'log':
    case 'exp':
    case 'sqrt':
      return unary(t, Math[name]) ?? undefined;
    case 'split': {
      // A 1-d tensor split into chunks of one size or of the sizes listed (timm's stage-wise drop-path rates).
      const by = args[0];
      const n = t.values.length;
      if (t.scalar || args.length !== 1) return undefined;
      let sizes: number[];
      if (typeof by === 'bigint' && by > 0n) sizes = Array.from({ length: Math.ceil(n / Number(by)) }, (_, i) => Math.min(Number(by), n - i * Number(by)));
      else if (Array.isArray(by) && by.every((x) => typeof x === 'bigint' && x >= 0n)) sizes = by.map(Number);
      else return undefined;
      if (Array.isArray(by) && sizes.reduce((a, x) => a + x, 0) !== n) return undefined;
      const out: Value[] = [];
      let at = 0;
      for (const size of sizes) {
        out.push(t.like(t.values.slice(at, at + size)));
        at += size;
      }
      return tupleOf(out);
    }
    case 'max':
    case 'min':
      if (args.length !== 0 || t.values.length === 0) return undefined;
      return t.like([name === 'max' ? Math.max(...t.values) : Math.min(...t.values)], t.dtype, true);
    case 'flip': {
      // A 1-d tensor has one dim to flip: 0 or -1, alone or in a list or tuple (timm's nest
      // counts its blocks per level with `(4 ** torch.arange(n)).flip(0)`).
      const dims = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
      if (t.scalar || dims.length !== 1 || (dims[0] !== 0n && dims[0] !== -1n)) return undefined;
      return t.like([...t.values].reverse());
    }
    case 'sum':
      return args.length === 0 ? t.like([t.values.reduce((s, v) => s + v, 0)], t.dtype === 'bool' ? 'int64' : t.dtype, true) : undefined;
  }
  return undefined;
}

function numbers(v: Value): number | null {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (v instanceof ValueTensor && v.values.length === 1) return v.values[0];
  return null;
}

function flatNumbers(v: Value): { values: number[]; anyFloat: boolean } | null {
  if (v instanceof ValueTensor && v.dims) return null;
  if (v instanceof ValueTensor) return { values: v.values, anyFloat: isFloatDtype(v.dtype) };
  if (!Array.isArray(v) || v.length > MAX_VALUES) return null;
  const values: number[] = [];
  let anyFloat = false;
  for (const item of v) {
    const n = numbers(item);
    if (n === null || Array.isArray(item)) return null;
    if (typeof item === 'number') anyFloat = true;
    values.push(typeof item === 'boolean' ? Number(item) : n);
  }
  return { values, anyFloat };
}

type Creator = (positional: Value[], keywords: Map<string, Value>) => Value | null;

/** The libraries whose array makers these are: torch's float default is float32, numpy's float64. */
type Library = 'torch' | 'numpy';
const FLOAT_DEFAULT: Record<Library, ValueDtype> = { torch: 'float32', numpy: 'float64' };

function rangeOf(positional: Value[], keywords: Map<string, Value>, library: Library): Value | null {
  const floatDtype = FLOAT_DEFAULT[library];
  // The bounds by position or by name (torch: start, end, step; numpy: start, stop, step).
  const bounds = rangeBounds(positional, keywords);
  if (!bounds) return null;
  const given = bounds.map(numbers);
  if (given.some((g) => g === null) || given.length === 0) return null;
  const [start, end, step] = given.length === 1 ? [0, given[0]!, 1] : [given[0]!, given[1]!, given[2] ?? 1];
  if (step === 0) return null;
  const n = Math.ceil((end - start) / step);
  if (!(n >= 0) || n > MAX_VALUES) return null;
  const requested = requestedDtype(keywords);
  const anyFloat = bounds.some((p) => typeof p === 'number');
  // arange has no bool kernel, and how it rounds float bounds to an integer dtype is left unmodelled.
  if (requested === null || requested === 'bool' || (anyFloat && requested !== undefined && !isFloatDtype(requested))) return null;
  const dtype: ValueDtype = requested ?? (anyFloat ? floatDtype : 'int64');
  return new ValueTensor(Array.from({ length: n }, (_, i) => cast(start + i * step, dtype)), dtype, false, library === 'numpy');
}

/**
 * arange's bounds as [end], [start, end] or [start, end, step], from positional arguments and the
 * keywords start, end (or stop) and step; null when they cannot be told apart.
 */
export function rangeBounds(positional: readonly Value[], keywords: ReadonlyMap<string, Value>): Value[] | null {
  const start = positional.length >= 2 ? positional[0] : keywords.get('start');
  const end = positional.length >= 2 ? positional[1] : positional.length === 1 ? positional[0] : keywords.get('end') ?? keywords.get('stop');
  const step = positional[2] ?? keywords.get('step');
  if (end === undefined || (positional.length === 1 && keywords.has('start'))) return null;
  if (step !== undefined) return [start ?? 0n, end, step];
  return start === undefined ? [end] : [start, end];
}

function linspace(positional: Value[], keywords: Map<string, Value>, library: Library): Value | null {
  const dtype = FLOAT_DEFAULT[library];
  const numpy = library === 'numpy';
  const start = numbers(positional[0] ?? keywords.get('start') ?? null);
  const end = numbers(positional[1] ?? keywords.get('end') ?? keywords.get('stop') ?? null);
  const steps = numbers(positional[2] ?? keywords.get('steps') ?? keywords.get('num') ?? (dtype === 'float64' ? 50n : null));
  if (start === null || end === null || steps === null || steps < 0 || steps > MAX_VALUES) return null;
  const n = Math.trunc(steps);
  if (n === 1) return new ValueTensor([cast(start, dtype)], dtype, false, numpy);
  // PyTorch fills the first half from the start and the second from the end (numpy: start + i * step).
  const step = (end - start) / (n - 1);
  const half = Math.floor(n / 2);
  const values = Array.from({ length: n }, (_, i) => {
    if (numpy) return i === n - 1 ? end : start + i * step;
    return cast(i < half ? start + step * i : end - step * (n - i - 1), dtype);
  });
  return new ValueTensor(values, dtype, false, numpy);
}

function fromData(positional: Value[], keywords: Map<string, Value>, library: Library): Value | null {
  const data = flatNumbers(positional[0] ?? null);
  const requested = requestedDtype(keywords);
  if (!data || requested === null) return null;
  // A tensor or array of known values keeps its dtype (torch.tensor of a float64 numpy array is float64).
  const given = positional[0];
  const dtype: ValueDtype = requested ?? (given instanceof ValueTensor ? given.dtype : data.anyFloat ? FLOAT_DEFAULT[library] : 'int64');
  return new ValueTensor(data.values.map((v) => cast(v, dtype)), dtype, false, library === 'numpy');
}

function diff(positional: Value[]): Value | null {
  const t = positional[0];
  if (!(t instanceof ValueTensor) || t.scalar) return null;
  return t.like(t.values.slice(1).map((v, i) => cast(v - t.values[i], t.dtype)));
}

/** torch.meshgrid(a, b) or meshgrid([a, b]) of 1-D tensors: one tensor of shape [len(a), len(b)] per input ('ij'). */
function meshgrid(positional: Value[]): Value | null {
  const inputs = positional.length === 1 && Array.isArray(positional[0]) ? positional[0] : positional;
  const sizes: bigint[] = [];
  for (const t of inputs) {
    if (!(t instanceof Tensor) || !t.shape || t.shape.length !== 1) return null;
    sizes.push(t.shape[0]);
  }
  return tupleOf(sizes.map(() => integerIf(new Tensor([...sizes]), inputs)));
}

/**
 * torch.unique of a known tensor (flattened, dim=None): its distinct values in ascending order (the
 * CPU kernel sorts whatever `sorted` says), then the inverse indices and the counts when asked.
 */
function unique(positional: Value[], keywords: Map<string, Value>): Value | null {
  const t = positional[0] ?? keywords.get('input') ?? null;
  const flag = (i: number, name: string): boolean | null => {
    const v = positional[i] ?? keywords.get(name) ?? false;
    return typeof v === 'boolean' ? v : null;
  };
  const inverse = flag(2, 'return_inverse');
  const counts = flag(3, 'return_counts');
  const dim = positional[4] ?? keywords.get('dim') ?? null;
  if (!(t instanceof ValueTensor) || inverse === null || counts === null || dim !== null) return null;
  if (t.values.some((v) => Number.isNaN(v))) return null;
  return uniqueOf(t, inverse, counts);
}

/** The distinct values of a known tensor in ascending order, then its inverse indices and counts when asked. */
function uniqueOf(t: ValueTensor, inverse: boolean, counts: boolean): Value {
  const distinct = [...new Set(t.values)].sort((x, y) => x - y);
  const values = t.like(distinct, t.dtype, false);
  if (!inverse && !counts) return values;
  const out: Value[] = [values];
  if (inverse) out.push(t.like(t.values.map((v) => distinct.indexOf(v)), 'int64'));
  if (counts) out.push(t.like(distinct.map((d) => t.values.filter((v) => v === d).length), 'int64', false));
  return tupleOf(out);
}

/** A 1-d tensor of these numbers in this dtype (torch.LongTensor([1, 2]) and the like); null for anything else. */
export function knownValuesOf(data: Value, dtype: ValueDtype): ValueTensor | null {
  const flat = flatNumbers(data);
  return flat && Array.isArray(data) ? new ValueTensor(flat.values.map((v) => cast(v, dtype)), dtype) : null;
}

/** The dtypes of torch's legacy tensor types (torch.LongTensor...). */
export const LEGACY_TENSOR_TYPES: Record<string, ValueDtype> = {
  Tensor: 'float32', FloatTensor: 'float32', DoubleTensor: 'float64', LongTensor: 'int64', IntTensor: 'int32', BoolTensor: 'bool',
};

/** torch.* functions computed on values; each answers null to fall back to the shape-only builtin. */
export const TORCH_VALUE_FUNCTIONS: Record<string, Creator> = {
  arange: (p, k) => rangeOf(p, k, 'torch'),
  linspace: (p, k) => linspace(p, k, 'torch'),
  tensor: (p, k) => fromData(p, k, 'torch'),
  as_tensor: (p, k) => fromData(p, k, 'torch'),
  diff: (p) => diff(p),
  unique: (p, k) => unique(p, k),
  meshgrid: (p) => meshgrid(p),
  einsum: (p) => einsumShape(p),
  unbind: (p, k) => (p[0] instanceof Tensor ? splitMethod(p[0], 'unbind', p.slice(1), k) ?? null : null),
  tensor_split: (p, k) => (p[0] instanceof Tensor ? splitMethod(p[0], 'tensor_split', p.slice(1), k) ?? null : null),
  round: (p) => (p[0] instanceof ValueTensor ? valueTensorMethod(p[0], 'round', []) ?? null : null),
  log: (p) => (p[0] instanceof ValueTensor ? unary(p[0], Math.log) : null),
  exp: (p) => (p[0] instanceof ValueTensor ? unary(p[0], Math.exp) : null),
  sqrt: (p) => (p[0] instanceof ValueTensor ? unary(p[0], Math.sqrt) : null),
  pow: (p) => valueArith('**', p[0], p[1]),
  add: (p) => valueArith('+', p[0], p[1]),
  sub: (p) => valueArith('-', p[0], p[1]),
  mul: (p) => valueArith('*', p[0], p[1]),
  div: (p) => valueArith('/', p[0], p[1]),
  divide: (p) => valueArith('/', p[0], p[1]),
};

/** Wraps the torch namespace's builtins so known values are computed and anything else keeps its shape-only answer. */
export function withValueFunctions(members: Map<string, Value>): void {
  for (const [name, compute] of Object.entries(TORCH_VALUE_FUNCTIONS)) {
    const original = members.get(name);
    members.set(name, new Builtin(name, (a, ip, call) => {
      const known = compute(a.positional, a.keywords);
      if (known !== null) return known;
      if (original instanceof Builtin) return original.fn(a, ip, call);
      return unknown(`torch.${name} of values that are not known`);
    }));
  }
}

/** numpy's array makers: float64 values, with the tolist()/astype() methods above. */
export function numpyNamespace(): Namespace {
  const members = new Map<string, Value>();
  const make = (name: string, f: Creator): void => {
    members.set(name, new Builtin(name, (a) => f(a.positional, a.keywords) ?? unknown(`numpy.${name} of values that are not known`)));
  };
  make('linspace', (p, k) => linspace(p, k, 'numpy'));
  make('arange', (p, k) => rangeOf(p, k, 'numpy'));
  make('array', (p, k) => fromData(p, k, 'numpy'));
  make('asarray', (p, k) => fromData(p, k, 'numpy'));
  // Elementwise functions and operators, on arrays, lists and Python numbers (numpy scalars).
  make('round', (p, k) => numpyRound(p, k));
  make('around', (p, k) => numpyRound(p, k));
  for (const [name, f] of [['log', Math.log], ['exp', Math.exp], ['sqrt', Math.sqrt]] as const) {
    make(name, (p) => {
      const x = numpyArray(p[0] ?? null);
      return x && unary(x, f);
    });
  }
  for (const [name, op] of [['add', '+'], ['subtract', '-'], ['multiply', '*'], ['divide', '/'], ['true_divide', '/'], ['power', '**']] as const) {
    make(name, (p) => {
      const x = numpyArray(p[0] ?? null);
      const y = numpyArray(p[1] ?? null);
      return x && y && valueArith(op, x, y);
    });
  }
  make('unique', (p, k) => {
    const x = numpyArray(p[0] ?? k.get('ar') ?? null);
    const flag = (i: number, name: string): boolean | null => {
      const v = p[i] ?? k.get(name) ?? false;
      return typeof v === 'boolean' ? v : null;
    };
    const [index, inverse, counts] = [flag(1, 'return_index'), flag(2, 'return_inverse'), flag(3, 'return_counts')];
    const axis = p[4] ?? k.get('axis') ?? null;
    if (!x || index !== false || inverse === null || counts === null || axis !== null || x.values.some(Number.isNaN)) return null;
    return uniqueOf(x, inverse, counts);
  });
  make('split', (p, k) => numpySplit(p[0] ?? null, p[1] ?? k.get('indices_or_sections') ?? null));
  for (const [name, value] of dtypeValues('numpy', NUMPY_DTYPE_ELEMENTS)) members.set(name, value);
  make('cumsum', (p) => {
    const data = flatNumbers(p[0] ?? null);
    if (!data) return null;
    let acc = 0;
    return new ValueTensor(data.values.map((v) => (acc += v)), data.anyFloat ? 'float64' : 'int64', false, true);
  });
  return new Namespace('numpy', members, true);
}

/** A numpy array of known values from an array, a list of numbers or a Python number (a numpy scalar); null for anything else, torch tensors included. */
function numpyArray(v: Value): ValueTensor | null {
  if (v instanceof ValueTensor) return v.numpy && !v.dims ? v : null;
  if (typeof v === 'bigint') return new ValueTensor([Number(v)], 'int64', true, true);
  if (typeof v === 'number') return new ValueTensor([v], 'float64', true, true);
  const made = Array.isArray(v) ? fromData([v], new Map(), 'numpy') : null;
  return made instanceof ValueTensor ? made : null;
}

/** np.round(x) and np.around(x): half to even; other decimals are not modelled. */
function numpyRound(positional: Value[], keywords: Map<string, Value>): Value | null {
  const x = numpyArray(positional[0] ?? keywords.get('a') ?? null);
  const decimals = positional[1] ?? keywords.get('decimals') ?? 0n;
  return x && decimals === 0n ? x.like(x.values.map(roundHalfEven)) : null;
}

/**
 * np.split(a, n) into n equal parts (numpy's ValueError when they cannot be equal), or
 * np.split(a, [i, j...]) at those indices; a list of arrays.
 */
function numpySplit(a: Value, by: Value): Value | null {
  const x = numpyArray(a);
  if (!x || x.scalar) return null;
  const n = x.values.length;
  let cuts: number[];
  if (typeof by === 'bigint') {
    // Parts of an empty array are as many as asked: past MAX_VALUES they are not made.
    if (by <= 0n || by > BigInt(MAX_VALUES)) return null;
    if (BigInt(n) % by !== 0n) throw new PyError('ValueError', 'array split does not result in an equal division');
    cuts = Array.from({ length: Number(by) - 1 }, (_, i) => ((i + 1) * n) / Number(by));
  } else {
    const indices = by instanceof ValueTensor ? by.values : Array.isArray(by) && by.every((i) => typeof i === 'bigint') ? by.map(Number) : null;
    if (!indices || indices.length >= MAX_VALUES || (by instanceof ValueTensor && !isIntegerDtype(by.dtype))) return null;
    cuts = indices;
  }
  // numpy takes a[points[i]:points[i + 1]] for points = [0, *cuts, n], each a slice bound as
  // Python reads one (negative from the end, clamped), so cuts out of order give empty parts.
  const points = [0, ...cuts, n];
  const bound = (i: number): number => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  return points.slice(1).map((end, i) => x.like(x.values.slice(bound(points[i]), bound(end)), x.dtype, false));
}

/** t[i] and t[a:b] of a known 1-D tensor; undefined for any other index. */
export function valueIndex(t: ValueTensor, key: Value, slice: (n: number) => number[] | null): Value | undefined {
  if (t.scalar || t.dims) return undefined;
  if (typeof key === 'bigint') {
    const n = t.values.length;
    const i = Number(key) < 0 ? Number(key) + n : Number(key);
    if (i < 0 || i >= n) return undefined;
    return t.like([t.values[i]], t.dtype, true);
  }
  const picked = slice(t.values.length);
  return picked ? t.like(picked.map((i) => t.values[i]), t.dtype, false) : undefined;
}

/**
 * The int a 0-d integer tensor or numpy integer stands for where Python asks for an index
 * (`range(depth)` with depth from a numpy array, `xs[t]`): both implement __index__.
 */
export function integerIndex(v: Value): bigint | null {
  return v instanceof ValueTensor && v.scalar && isIntegerDtype(v.dtype) ? BigInt(v.values[0]) : null;
}

/** int(t), float(t) and bool(t) of a one-element tensor. */
export function valueScalar(v: Value): Value | undefined {
  if (!(v instanceof ValueTensor) || v.values.length !== 1) return undefined;
  return v.item(0);
}

