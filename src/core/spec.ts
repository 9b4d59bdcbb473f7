import { floorDiv } from './arithmetic';
import { callArgumentError, displayInt } from './callargs';
import { ConvError, constructError } from './errors';
import { PyValue, isPyInt, ntuple, pyRepr, pyTypeName, toBigInt, tuple } from './pyvalue';

export const CONV_TYPES = ['Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d'] as const;
export type ConvType = (typeof CONV_TYPES)[number];

export const PADDING_MODES = ['zeros', 'reflect', 'replicate', 'circular'] as const;
export type PaddingMode = (typeof PADDING_MODES)[number];

export function isConvType(name: string): name is ConvType {
  return (CONV_TYPES as readonly string[]).includes(name);
}

export function spatialDims(type: ConvType): 1 | 2 | 3 {
  return Number(type.charAt(type.length - 2)) as 1 | 2 | 3;
}

export function isTransposed(type: ConvType): boolean {
  return type.startsWith('ConvTranspose');
}

/**
 * The constructor's arguments as the user passed them, before PyTorch normalizes them.
 * Missing optional arguments take PyTorch's defaults.
 */
export interface ConvArgs {
  type: ConvType;
  in_channels: PyValue;
  out_channels: PyValue;
  kernel_size: PyValue;
  stride?: PyValue;
  padding?: PyValue;
  output_padding?: PyValue;
  dilation?: PyValue;
  groups?: PyValue;
  bias?: PyValue;
  padding_mode?: PyValue;
}

/**
 * A constructed layer: the attributes PyTorch stores on the module, with every integer exact.
 * Tuples keep the length the user gave (PyTorch does not check it until forward).
 */
export interface ConvSpec {
  type: ConvType;
  transposed: boolean;
  in_channels: bigint;
  out_channels: bigint;
  kernel_size: bigint[];
  stride: bigint[];
  padding: bigint[] | 'same' | 'valid';
  dilation: bigint[];
  output_padding: bigint[];
  groups: bigint;
  bias: boolean;
  padding_mode: PaddingMode;
  /**
   * An error PyTorch raises as soon as the layer is called, whatever the input: an argument the
   * functional form's parser rejects (a ConvTranspose given a padding string keeps it as a tuple
   * of characters, and conv_transposeNd refuses that tuple). Absent when there is none.
   */
  deferred_error?: ConvError;
}

export type BuildResult = { ok: true; spec: ConvSpec } | { ok: false; error: ConvError };

/** Builds a layer exactly as `torch.nn.ConvXd(...)` would, raising PyTorch's own errors. */
export function buildConv(args: ConvArgs): BuildResult {
  try {
    return { ok: true, spec: construct(args) };
  } catch (e) {
    if (isConvError(e)) return { ok: false, error: e };
    throw e;
  }
}

function isConvError(e: unknown): e is ConvError {
  return typeof e === 'object' && e !== null && 'phase' in e && 'message' in e;
}

function construct(args: ConvArgs): ConvSpec {
  const n = spatialDims(args.type);
  const transposed = isTransposed(args.type);
  // An argument given as None is passed as None: only a missing one takes the default.
  const stride = args.stride === undefined ? 1n : args.stride;
  const padding = args.padding === undefined ? 0n : args.padding;
  const dilation = args.dilation === undefined ? 1n : args.dilation;
  const groups = args.groups === undefined ? 1n : args.groups;
  const bias = args.bias === undefined ? true : args.bias;
  const paddingMode = args.padding_mode === undefined ? 'zeros' : args.padding_mode;

  // ConvTransposeNd checks its padding mode before anything else, and its padding is
  // always passed through _ntuple (so a string becomes a tuple of characters).
  if (transposed && paddingMode !== 'zeros') {
    throw constructError('ValueError', `Only "zeros" padding mode is supported for ${args.type}`, 'padding_mode');
  }
  const kernelTuple = ntuple(args.kernel_size, n);
  const strideTuple = ntuple(stride, n);
  const paddingValue: PyValue = typeof padding === 'string' && !transposed ? padding : tuple(ntuple(padding, n));
  const dilationTuple = ntuple(dilation, n);
  const outputPaddingTuple = transposed ? ntuple(args.output_padding === undefined ? 0n : args.output_padding, n) : ntuple(0n, n);

  checkGroups(args.in_channels, args.out_channels, groups);
  if (typeof paddingValue === 'string') checkPaddingString(paddingValue, strideTuple);
  if (typeof paddingMode !== 'string' || !(PADDING_MODES as readonly string[]).includes(paddingMode)) {
    const shown = typeof paddingMode === 'string' ? paddingMode : pyRepr(paddingMode);
    throw constructError('ValueError', `padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='${shown}'`, 'padding_mode');
  }
  const weightShape = transposed
    ? [args.in_channels, pyFloorDiv(args.out_channels, groups), ...kernelTuple]
    : [args.out_channels, pyFloorDiv(args.in_channels, groups), ...kernelTuple];
  checkTensorSize(weightShape);
  if (truthy(bias)) checkTensorSize([args.out_channels]);
  const op = `${transposed ? 'conv_transpose' : 'conv'}${n}d`;
  const stored = { stride: strideTuple, padding: typeof paddingValue === 'string' ? paddingValue : [...(paddingValue as PyValue[])], dilation: dilationTuple, output_padding: outputPaddingTuple };
  const deferredError = callArgumentError(op, transposed, paddingMode === 'zeros', truthy(bias), stored);

  return {
    type: args.type,
    transposed,
    in_channels: toBigInt(args.in_channels as bigint | boolean),
    out_channels: toBigInt(args.out_channels as bigint | boolean),
    kernel_size: kernelTuple.map((k) => toBigInt(k as bigint | boolean)),
    stride: strideTuple.map(displayInt),
    padding: typeof paddingValue === 'string' ? (paddingValue as 'same' | 'valid') : (paddingValue as PyValue[]).map(displayInt),
    dilation: dilationTuple.map(displayInt),
    output_padding: outputPaddingTuple.map(displayInt),
    groups: toBigInt(groups as bigint | boolean),
    bias: truthy(bias),
    padding_mode: paddingMode as PaddingMode,
    ...(deferredError ? { deferred_error: deferredError } : {}),
  };
}

/** The three checks at the top of _ConvNd.__init__, in PyTorch's order. */
function checkGroups(inChannels: PyValue, outChannels: PyValue, groups: PyValue): void {
  const g = numeric(groups, 'groups', `'<=' not supported between instances of '${pyTypeName(groups)}' and 'int'`);
  if (g <= 0) throw constructError('ValueError', 'groups must be a positive integer', 'groups');
  if (!divisible(numeric(inChannels, 'in_channels', moduloError(inChannels, groups)), g)) {
    throw constructError('ValueError', 'in_channels must be divisible by groups', 'groups');
  }
  if (!divisible(numeric(outChannels, 'out_channels', moduloError(outChannels, groups)), g)) {
    throw constructError('ValueError', 'out_channels must be divisible by groups', 'groups');
  }
}

function checkPaddingString(padding: string, stride: PyValue[]): void {
  if (padding !== 'same' && padding !== 'valid') {
    throw constructError('ValueError', `Invalid padding string ${pyRepr(padding)}, should be one of {'valid', 'same'}`, 'padding');
  }
  if (padding === 'same' && stride.some((s) => !(isPyInt(s) && toBigInt(s) === 1n) && s !== 1)) {
    throw constructError('ValueError', "padding='same' is not supported for strided convolutions", 'padding');
  }
}

/**
 * torch.empty's argument checks on a shape tuple: ints only, none negative. PyTorch 1.13's
 * argument parser words a non-int in the first place differently from one further on: it then
 * matches neither overload of empty() and lists both.
 */
function checkTensorSize(shape: PyValue[]): void {
  if (shape.length > 0 && !isPyInt(shape[0])) throw constructError('TypeError', EMPTY_OVERLOADS_MESSAGE);
  shape.forEach((dim, i) => {
    if (!isPyInt(dim)) {
      throw constructError('TypeError', `empty(): argument 'size' must be tuple of SymInts, but found element of type ${pyTypeName(dim)} at pos ${i + 1}`);
    }
  });
  const problem = tensorSizeProblem(shape.map((d) => toBigInt(d as bigint | boolean)));
  if (problem) throw constructError('RuntimeError', problem);
}

/**
 * PyTorch's RuntimeError for creating a float32 tensor of these sizes (torch.empty, randn, a
 * layer's weight), or null. The storage check is made only on tensors of more than five
 * dimensions (more than any conv weight has: a kernel_size tuple longer than the conv's
 * dimensions), whose sizes' product grows without bound; a conv of 10^12 channels keeps its exact
 * figures, as what a reader of the code asks about.
 */
export function tensorSizeProblem(sizes: bigint[]): string | null {
  const negative = sizes.find((d) => d < 0n);
  if (negative !== undefined) return `Trying to create tensor with negative dimension ${negative}: [${sizesText(sizes)}]`;
  if (sizes.length > 5 && storageOverflows(sizes, 4n)) return `Storage size calculation overflowed with sizes=[${sizesText(sizes)}]`;
  return null;
}

const INT64_MAX = (1n << 63n) - 1n;

/**
 * c10's storage size check: the product of the sizes times the element size must fit an int64,
 * unless a size is 0. The product stops growing the moment it passes, so a shape of a million
 * 3s is judged after a few dozen multiplications.
 */
function storageOverflows(sizes: bigint[], itemBytes: bigint): boolean {
  if (sizes.some((d) => d === 0n)) return false;
  let bytes = itemBytes;
  for (const d of sizes) {
    bytes *= d;
    if (bytes > INT64_MAX) return true;
  }
  return false;
}

/** The sizes as PyTorch lists them; a list too long to read is cut in the middle, saying how long it is. */
function sizesText(sizes: bigint[]): string {
  if (sizes.length <= 64) return sizes.join(', ');
  return `${sizes.slice(0, 32).join(', ')}, ... (${sizes.length.toLocaleString('en-US')} sizes in all) ..., ${sizes.slice(-8).join(', ')}`;
}

const EMPTY_OVERLOADS_MESSAGE =
  'empty() received an invalid combination of arguments - got (tuple, dtype=NoneType, device=NoneType), but expected one of:\n' +
  ' * (tuple of ints size, *, tuple of names names, torch.memory_format memory_format, torch.dtype dtype, torch.layout layout, torch.device device, bool pin_memory, bool requires_grad)\n' +
  ' * (tuple of SymInts size, *, torch.memory_format memory_format, Tensor out, torch.dtype dtype, torch.layout layout, torch.device device, bool pin_memory, bool requires_grad)\n';

/** Python's `%`-based divisibility, for ints and floats alike. */
function divisible(a: bigint | number, b: bigint | number): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a % b === 0n;
  return Number(a) % Number(b) === 0;
}

/** Python's `//`, keeping the float-ness that torch.empty later rejects. */
function pyFloorDiv(a: PyValue, b: PyValue): PyValue {
  if (isPyInt(a) && isPyInt(b)) {
    return floorDiv(toBigInt(a), toBigInt(b));
  }
  if (typeof a === 'number' || typeof b === 'number') return Math.floor(Number(numeric(a, '')) / Number(numeric(b, '')));
  return a;
}

/** A Python number as a bigint or float; anything else raises Python's TypeError for the operation that met it. */
function numeric(value: PyValue, name: string, message = `${name} must be an int, not ${pyTypeName(value)}`): bigint | number {
  if (isPyInt(value)) return toBigInt(value);
  if (typeof value === 'number') return value;
  throw constructError('TypeError', message, name);
}

/** Python's TypeError for `channels % groups` when channels is not a number (a str formats instead). */
function moduloError(channels: PyValue, groups: PyValue): string {
  if (typeof channels === 'string') return 'not all arguments converted during string formatting';
  return `unsupported operand type(s) for %: '${pyTypeName(channels)}' and '${pyTypeName(groups)}'`;
}

function truthy(value: PyValue): boolean {
  if (value === null || value === false) return false;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string' || Array.isArray(value)) return value.length > 0;
  return true;
}
