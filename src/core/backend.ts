import { ConvError, forwardError } from './errors';

/**
 * A convolution call as ATen's _convolution sees it after expanding its parameters: a batched
 * input, the weight's shape, and stride, padding, dilation and output_padding with one value
 * per spatial dimension.
 */
export interface ConvCall {
  transposed: boolean;
  groups: bigint;
  input: bigint[];
  weight: bigint[];
  stride: bigint[];
  padding: bigint[];
  dilation: bigint[];
  output_padding: bigint[];
}

/**
 * The checks PyTorch 1.13 makes on CPU after check_shape_forward, inside the backend it picks.
 * Their wording depends on that backend, so this mirrors its choice: empty batches skip every
 * backend; transposed convs always run the slow kernels; other convs run oneDNN (mkldnn) when
 * its heuristic says so, else the slow dilated or plain kernels. `output` is the spatial output
 * size, which the slow transposed kernels check last.
 */
export function backendError(call: ConvCall, output: readonly bigint[]): ConvError | null {
  const view = call.weight.length === 3 ? viewAs2d(call) : call;
  const viewOutput = call.weight.length === 3 ? [1n, ...output] : [...output];
  const [batch, channels] = view.input;
  if (batch === 0n || channels === 0n) return null;
  if (view.input.some((s) => s === 0n)) {
    return forwardError(`Only zero batch or zero channel inputs are supported, but got input shape: [${view.input.join(', ')}]`);
  }
  if (view.transposed) return view.weight.length === 5 ? transposed3dError(view, viewOutput) : transposed2dError(view, viewOutput);
  if (usesMkldnn(view)) return mkldnnError(view);
  return view.dilation.some((d) => d !== 1n) ? slowDilatedError(view) : slowError(view);
}

/** Before picking a backend ATen views a 1-d conv as a 2-d conv of height 1. */
function viewAs2d(call: ConvCall): ConvCall {
  const [n, c, l] = call.input;
  const [o, i, k] = call.weight;
  return {
    ...call,
    input: [n, c, 1n, l],
    weight: [o, i, 1n, k],
    stride: [1n, ...call.stride],
    padding: [0n, ...call.padding],
    dilation: [1n, ...call.dilation],
    output_padding: [0n, ...call.output_padding],
  };
}

/**
 * ATen's use_mkldnn for float CPU tensors (ConvParams::use_mkldnn in 1.13). Its first clause also
 * accepts any conv when PyTorch runs more than one thread, which depends on the machine; this
 * mirrors one thread, as the golden data was made. Only the wording of zero-kernel and
 * zero-dilation errors depends on it, and those nearly always pass that clause anyway.
 */
function usesMkldnn(call: ConvCall): boolean {
  const kw = call.weight[call.weight.length - 1];
  const kh = call.weight[call.weight.length - 2];
  const [n, c, h, w] = call.input;
  const strided = call.stride.some((s) => s !== 1n);
  const dilated = call.dilation.some((d) => d !== 1n);
  const worthIt = strided || dilated || n >= 16n || kw !== 1n || kh !== 1n;
  const native = call.groups > 1n || (kw > 3n && kh > 3n) || n > 1n || n * c * h * w > 20480n;
  return worthIt && native;
}

function kernelOf(call: ConvCall): bigint[] {
  return call.weight.slice(2);
}

function mkldnnError(call: ConvCall): ConvError | null {
  if (call.dilation.some((d) => d <= 0n)) return forwardError('non-positive dilation is not supported');
  if (kernelOf(call).some((k) => k <= 0n)) return forwardError('could not create a descriptor for a dilated convolution forward propagation primitive');
  return null;
}

function slowDilatedError(call: ConvCall): ConvError | null {
  const kernel = kernelOf(call);
  if (kernel.some((k) => k <= 0n)) return forwardError(`kernel size should be greater than zero, but got [${kernel.join(', ')}]`);
  if (call.dilation.some((d) => d <= 0n)) return forwardError(`dilation should be greater than zero, but got [${call.dilation.join(', ')}]`);
  return null;
}

function slowError(call: ConvCall): ConvError | null {
  const kernel = kernelOf(call);
  if (!kernel.some((k) => k <= 0n)) return null;
  if (kernel.length === 3) return forwardError(`kernel size should be greater than zero, but got: ${kernel.join(' x ')} (TxHxW)`);
  return forwardError(`kernel size should be greater than zero, but got kernel_height: ${kernel[0]} kernel_width: ${kernel[1]}`);
}

/** slow_conv_transpose2d's shape check, which also serves ConvTranspose1d through the 2-d view. */
function transposed2dError(call: ConvCall, output: readonly bigint[]): ConvError | null {
  const [kh, kw] = kernelOf(call);
  if (kh <= 0n || kw <= 0n) return forwardError(`kernel size should be greater than zero, but got kernel_height: ${kh} kernel_width: ${kw}`);
  const [dh, dw] = call.dilation;
  if (dh <= 0n || dw <= 0n) return forwardError(`dilation should be greater than zero, but got dilation_height: ${dh}, dilation_width: ${dw}`);
  if (outputPaddingTooLarge(call)) {
    const [oh, ow] = call.output_padding;
    const [sh, sw] = call.stride;
    return forwardError(`output padding must be smaller than either stride or dilation, but got output_padding_height: ${oh} output_padding_width: ${ow} stride_height: ${sh} stride_width: ${sw} dilation_height: ${dh} dilation_width: ${dw}`);
  }
  if (call.weight.some((s) => s === 0n)) return forwardError(`non-empty 2D or 4D weight tensor expected, but got: [${call.weight.join(', ')}]`);
  return outputTooSmall(call, output);
}

/** slow_conv_transpose3d's shape check: no kernel check of its own, the weight's comes later. */
function transposed3dError(call: ConvCall, output: readonly bigint[]): ConvError | null {
  const [dd, dh, dw] = call.dilation;
  if (dd <= 0n || dh <= 0n || dw <= 0n) {
    return forwardError(`dilation should be greater than zero, but got dilation_depth: ${dd}, dilation_height: ${dh}, dilation_width: ${dw}`);
  }
  if (outputPaddingTooLarge(call)) {
    const [od, oh, ow] = call.output_padding;
    const [sd, sh, sw] = call.stride;
    return forwardError(`output padding must be smaller than either stride or dilation, but got output_padding_depth: ${od} output_padding_height: ${oh} output_padding_width: ${ow} stride_depth: ${sd} stride_height: ${sh} stride_width: ${sw} dilation_depth: ${dd} dilation_height: ${dh} dilation_width: ${dw}`);
  }
  if (call.weight.some((s) => s === 0n)) {
    return forwardError(`non-empty 5D (n_output_plane x n_input_plane x kernel_depth x kernel_height x kernel_width) tensor expected for weight, but got: [${call.weight.join(', ')}]`);
  }
  return outputTooSmall(call, output);
}

/** Each output_padding must be below its stride or its dilation. */
function outputPaddingTooLarge(call: ConvCall): boolean {
  return call.output_padding.some((p, i) => !(p < call.stride[i] || p < call.dilation[i]));
}

function outputTooSmall(call: ConvCall, output: readonly bigint[]): ConvError | null {
  if (output.every((s) => s >= 1n)) return null;
  return forwardError(`Given input size per channel: (${call.input.slice(2).join(' x ')}). Calculated output size per channel: (${output.join(' x ')}). Output size is too small`);
}
