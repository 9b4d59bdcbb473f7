import { ConvError, forwardError } from './errors';
import { ConvSpec, spatialDims } from './spec';

/** The weight tensor's shape: [C_out, C_in/g, *k], or [C_in, C_out/g, *k] for transposed layers. */
export function weightShape(spec: ConvSpec): bigint[] {
  return spec.transposed
    ? [spec.in_channels, spec.out_channels / spec.groups, ...spec.kernel_size]
    : [spec.out_channels, spec.in_channels / spec.groups, ...spec.kernel_size];
}

/**
 * Padding per spatial dimension as [before, after]. 'same' pads d(k-1) in total and puts the
 * odd one on the far side (right/bottom), as ATen's _convolution_same does; 'valid' pads nothing.
 */
export function paddingPerSide(spec: ConvSpec): Array<[bigint, bigint]> {
  const { padding } = spec;
  if (padding === 'valid') return spec.kernel_size.map(() => [0n, 0n]);
  if (padding === 'same') {
    return spec.kernel_size.map((k, i) => {
      const total = spec.dilation[i] * (k - 1n);
      const before = total / 2n;
      return [before, total - before];
    });
  }
  return padding.map((p) => [p, p]);
}

/** The dilated kernel extent d(k-1)+1 per spatial dimension. */
export function effectiveKernel(spec: ConvSpec): bigint[] {
  return spec.kernel_size.map((k, i) => spec.dilation[i] * (k - 1n) + 1n);
}

export type ForwardResult = { ok: true; output: bigint[] } | { ok: false; error: ConvError };

/**
 * What `layer(torch.empty(input))` would return as a shape, or PyTorch's error for it.
 * Unbatched inputs (no N) are accepted as PyTorch does and give an unbatched output.
 */
export function forwardShape(spec: ConvSpec, input: readonly bigint[]): ForwardResult {
  const n = spatialDims(spec.type);
  const dims = input.length;
  if (dims !== n + 1 && dims !== n + 2) {
    const op = `${spec.transposed ? 'conv_transpose' : 'conv'}${n}d`;
    return fail(`Expected ${n + 1}D (unbatched) or ${n + 2}D (batched) input to ${op}, but got input of size: [${input.join(', ')}]`);
  }
  const batched = dims === n + 2 ? [...input] : [1n, ...input];
  const error = checkShapeForward(spec, batched);
  if (error) return { ok: false, error };
  const spatial = spec.transposed ? transposedSpatial(spec, batched) : convSpatial(spec, batched);
  const tooSmall = spatial.some((s) => s <= 0n);
  if (tooSmall) {
    return fail(`Given input size per channel: (${batched.slice(2).join(' x ')}). Calculated output size per channel: (${spatial.join(' x ')}). Output size is too small`);
  }
  const output = [batched[0], spec.out_channels, ...spatial];
  return { ok: true, output: dims === n + 2 ? output : output.slice(1) };
}

/** The spatial input sizes after explicit padding, as check_shape_forward sees them. */
function paddedSpatial(spec: ConvSpec, batched: readonly bigint[]): bigint[] {
  return paddingPerSide(spec).map(([before, after], i) => batched[i + 2] + before + after);
}

/** floor((in + pad_before + pad_after - d(k-1) - 1) / s) + 1 per spatial dimension. */
function convSpatial(spec: ConvSpec, batched: readonly bigint[]): bigint[] {
  const padded = paddedSpatial(spec, batched);
  const extent = effectiveKernel(spec);
  return padded.map((p, i) => floorDiv(p - extent[i], spec.stride[i]) + 1n);
}

/** (in-1)s - 2p + d(k-1) + output_padding + 1 per spatial dimension. */
function transposedSpatial(spec: ConvSpec, batched: readonly bigint[]): bigint[] {
  const pads = spec.padding as bigint[];
  return spec.kernel_size.map((k, i) =>
    (batched[i + 2] - 1n) * spec.stride[i] - 2n * pads[i] + spec.dilation[i] * (k - 1n) + spec.output_padding[i] + 1n);
}

/** ATen's check_shape_forward, in its order, on a batched input. */
function checkShapeForward(spec: ConvSpec, input: readonly bigint[]): ConvError | null {
  const weight = weightShape(spec);
  const pads = spec.padding === 'same' || spec.padding === 'valid' ? [] : spec.padding;
  if (pads.some((p) => p < 0n)) return forwardError('negative padding is not supported');
  if (spec.output_padding.some((p) => p < 0n)) return forwardError('negative output_padding is not supported');
  if (spec.stride.some((s) => s <= 0n)) return forwardError('non-positive stride is not supported');
  if (spec.dilation.some((d) => d <= 0n)) return forwardError('dilation should be greater than zero');
  if (weight.length !== input.length) {
    return forwardError(`Expected ${weight.length}-dimensional input for ${weight.length}-dimensional weight [${weight.join(', ')}], but got ${input.length}-dimensional input of size [${input.join(', ')}] instead`);
  }
  const channels = input[1];
  if (!spec.transposed) {
    const expected = weight[1] * spec.groups;
    if (channels !== expected) {
      return forwardError(`Given groups=${spec.groups}, weight of size [${weight.join(', ')}], expected input[${input.join(', ')}] to have ${expected} channels, but got ${channels} channels instead`);
    }
    const padded = paddedSpatial(spec, input);
    const extent = effectiveKernel(spec);
    if (padded.some((p, i) => p < extent[i])) {
      return forwardError(`Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${extent.join(' x ')}). Kernel size can't be greater than actual input size`);
    }
    return null;
  }
  if (channels !== weight[0]) {
    return forwardError(`Given transposed=1, weight of size [${weight.join(', ')}], expected input[${input.join(', ')}] to have ${weight[0]} channels, but got ${channels} channels instead`);
  }
  return null;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

function fail(message: string): ForwardResult {
  return { ok: false, error: forwardError(message) };
}
