import { convOutputSize, transposedOutputSize } from './arithmetic';
import { ConvCall, backendError } from './backend';
import { ConvError, forwardError } from './errors';
import { padForMode } from './pad';
import { ConvSpec, spatialDims } from './spec';

/** The weight tensor's shape: [C_out, C_in/g, *k], or [C_in, C_out/g, *k] for transposed layers. */
export function weightShape(spec: ConvSpec): bigint[] {
  return spec.transposed
    ? [spec.in_channels, spec.out_channels / spec.groups, ...spec.kernel_size]
    : [spec.out_channels, spec.in_channels / spec.groups, ...spec.kernel_size];
}

/** Value i of a parameter tuple, where a tuple of one value stands for every dimension (as ATen expands it). */
function perDimension(values: readonly bigint[], i: number): bigint {
  return values.length === 1 ? values[0] : values[i];
}

export type ForwardResult = { ok: true; output: bigint[] } | { ok: false; error: ConvError };

/**
 * What `layer(torch.empty(input))` would return as a shape, or PyTorch's error for it.
 * Unbatched inputs (no N) are accepted as PyTorch does and give an unbatched output.
 * A padding_mode other than zeros pads the input with F.pad first, then convolves with no padding.
 */
export function forwardShape(spec: ConvSpec, input: readonly bigint[]): ForwardResult {
  if (spec.deferred_error) return { ok: false, error: spec.deferred_error };
  if (spec.padding_mode === 'zeros') return convolve(spec, input, spec.padding);
  const padded = padForMode(spec.padding_mode, input, storedPaddingPerSide(spec));
  if (!padded.ok) return padded;
  // The module then calls the functional conv with padding _single/_pair/_triple(0).
  return convolve(spec, padded.shape, new Array<bigint>(spatialDims(spec.type)).fill(0n));
}

/** F.convNd / F.conv_transposeNd on an input shape, with the padding the module passes it. */
function convolve(spec: ConvSpec, input: readonly bigint[], padding: ConvSpec['padding']): ForwardResult {
  const n = spatialDims(spec.type);
  const dims = input.length;
  if (dims !== n + 1 && dims !== n + 2) {
    const op = `${spec.transposed ? 'conv_transpose' : 'conv'}${n}d`;
    return fail(`Expected ${n + 1}D (unbatched) or ${n + 2}D (batched) input to ${op}, but got input of size: [${input.join(', ')}]`);
  }
  const batched = dims === n + 2 ? [...input] : [1n, ...input];
  const call = padding === 'same' ? sameCall(spec, batched) : expandedCall(spec, batched, padding === 'valid' ? [0n] : padding);
  if ('error' in call) return { ok: false, error: call.error };
  const error = checkShapeForward(call);
  if (error) return { ok: false, error };
  const spatial = spec.transposed ? transposedSpatial(call) : convSpatial(call);
  const backend = backendError(call, spatial);
  if (backend) return { ok: false, error: backend };
  const output = [call.input[0], spec.out_channels, ...spatial];
  return { ok: true, output: dims === n + 2 ? output : output.slice(1) };
}

/**
 * ATen's expand_param_if_needed: a single value stands for every spatial dimension; any other
 * count must match the weight's.
 */
function expandParam(values: readonly bigint[], name: string, dim: number): bigint[] | ConvError {
  if (values.length === 1) return new Array<bigint>(dim).fill(values[0]);
  if (values.length !== dim) {
    return forwardError(`expected ${name} to be a single integer value or a list of ${dim} values to match the convolution dimensions, but got ${name}=[${values.join(', ')}]`);
  }
  return [...values];
}

function expandedCall(spec: ConvSpec, input: bigint[], padding: readonly bigint[]): ConvCall | { error: ConvError } {
  const weight = weightShape(spec);
  const dim = weight.length - 2;
  const stride = expandParam(spec.stride, 'stride', dim);
  if (!Array.isArray(stride)) return { error: stride };
  const pads = expandParam(padding, 'padding', dim);
  if (!Array.isArray(pads)) return { error: pads };
  const dilation = expandParam(spec.dilation, 'dilation', dim);
  if (!Array.isArray(dilation)) return { error: dilation };
  const outputPadding = expandParam(spec.transposed ? spec.output_padding : [0n], 'output_padding', dim);
  if (!Array.isArray(outputPadding)) return { error: outputPadding };
  return { transposed: spec.transposed, groups: spec.groups, input, weight, stride, padding: pads, dilation, output_padding: outputPadding };
}

/**
 * ATen's _convolution_same: it pads d(k-1) in total per dimension, half on each side; when that
 * is odd it first pads the input by one more on the far side, so the checks that follow see the
 * larger input.
 */
function sameCall(spec: ConvSpec, input: bigint[]): ConvCall | { error: ConvError } {
  const weight = weightShape(spec);
  if (weight.length !== input.length) {
    return { error: forwardError(`Expected ${weight.length}-dimensional input for ${weight.length}-dimensional weight[${weight.join(', ')}], but got ${input.length}-dimensional input of size [${input.join(', ')}] instead`) };
  }
  const sides = paddingPerSide(spec);
  const padded = input.map((size, i) => (i < 2 ? size : size + sides[i - 2][1] - sides[i - 2][0]));
  return expandedCall(spec, padded, sides.map(([before]) => before));
}

/**
 * Padding per spatial dimension as [before, after]. 'same' pads d(k-1) in total and puts the
 * odd one on the far side (right/bottom), as ATen's _convolution_same does; 'valid' pads nothing.
 */
export function paddingPerSide(spec: ConvSpec): Array<[bigint, bigint]> {
  if (spec.padding_mode !== 'zeros') return storedPaddingPerSide(spec);
  if (spec.padding === 'same') return spec.kernel_size.map((k, i) => sameSides(perDimension(spec.dilation, i), k));
  const sides = storedPaddingPerSide(spec);
  if (sides.length !== 1 || spec.kernel_size.length === 1) return sides;
  return spec.kernel_size.map(() => sides[0]);
}

/**
 * Padding per side as the module stores it (_reversed_padding_repeated_twice), one entry per
 * value given: what F.pad receives for a padding_mode other than zeros, which expands nothing.
 * For 'same' the module zips dilation with kernel_size, so a one-value dilation pads only the
 * first dimension there (while zeros mode, padding in ATen, expands it).
 */
function storedPaddingPerSide(spec: ConvSpec): Array<[bigint, bigint]> {
  const { padding } = spec;
  if (padding === 'valid') return spec.kernel_size.map(() => [0n, 0n]);
  if (padding === 'same') return spec.kernel_size.map((k, i) => (i < spec.dilation.length ? sameSides(spec.dilation[i], k) : [0n, 0n]));
  const out: Array<[bigint, bigint]> = [];
  for (const p of padding) out.push([p, p]);
  return out;
}

/** 'same' pads d(k-1) in total, the odd one after. C++ division truncates, which matters only for a zero-size kernel. */
function sameSides(dilation: bigint, kernel: bigint): [bigint, bigint] {
  const total = dilation * (kernel - 1n);
  const before = total / 2n;
  return [before, total - before];
}

/** The spatial input sizes after explicit padding, as check_shape_forward sees them. */
function paddedSpatial(call: ConvCall): bigint[] {
  return call.padding.map((p, i) => call.input[i + 2] + 2n * p);
}

/** The dilated kernel extent d(k-1)+1 per spatial dimension of a call. */
function callExtent(call: ConvCall): bigint[] {
  return call.weight.slice(2).map((k, i) => call.dilation[i] * (k - 1n) + 1n);
}

/** floor((in + 2p - d(k-1) - 1) / s) + 1 per spatial dimension. */
function convSpatial(call: ConvCall): bigint[] {
  return call.weight.slice(2).map((k, i) => convOutputSize(call.input[i + 2], call.padding[i], call.padding[i], call.dilation[i], k, call.stride[i]));
}

/** (in-1)s - 2p + d(k-1) + output_padding + 1 per spatial dimension. */
function transposedSpatial(call: ConvCall): bigint[] {
  return call.weight.slice(2).map((k, i) => transposedOutputSize(call.input[i + 2], call.padding[i], call.padding[i], call.dilation[i], k, call.stride[i], call.output_padding[i]));
}

/** ATen's check_shape_forward, in its order, on a batched input. */
function checkShapeForward(call: ConvCall): ConvError | null {
  const { input, weight, groups } = call;
  if (call.padding.some((p) => p < 0n)) return forwardError('negative padding is not supported');
  if (call.output_padding.some((p) => p < 0n)) return forwardError('negative output_padding is not supported');
  if (call.stride.some((s) => s <= 0n)) return forwardError('non-positive stride is not supported');
  if (weight.length !== input.length) {
    return forwardError(`Expected ${weight.length}-dimensional input for ${weight.length}-dimensional weight [${weight.join(', ')}], but got ${input.length}-dimensional input of size [${input.join(', ')}] instead`);
  }
  if (weight[0] < groups) {
    return forwardError(`Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, but got weight of size [${weight.join(', ')}] instead`);
  }
  if (weight[0] % groups !== 0n) {
    return forwardError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${weight.join(', ')}] instead`);
  }
  const channels = input[1];
  if (call.transposed) {
    if (channels === weight[0]) return null;
    return forwardError(`Given transposed=1, weight of size [${weight.join(', ')}], expected input[${input.join(', ')}] to have ${weight[0]} channels, but got ${channels} channels instead`);
  }
  const expected = weight[1] * groups;
  if (channels !== expected) {
    return forwardError(`Given groups=${groups}, weight of size [${weight.join(', ')}], expected input[${input.join(', ')}] to have ${expected} channels, but got ${channels} channels instead`);
  }
  const padded = paddedSpatial(call);
  const extent = callExtent(call);
  if (padded.some((p, i) => p < extent[i])) {
    return forwardError(`Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${extent.join(' x ')}). Kernel size can't be greater than actual input size`);
  }
  return null;
}

function fail(message: string): ForwardResult {
  return { ok: false, error: forwardError(message) };
}
