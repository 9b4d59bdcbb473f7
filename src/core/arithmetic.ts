/**
 * The integer arithmetic of convolutions and pooling, as PyTorch does it: floor division, output
 * sizes per spatial dimension and multiply-accumulate counts. Every other part of Conv Lens (the
 * analysis, the kernel's geometry, the sandbox) calls these rather than redoing them.
 */

/** Python's and ATen's `//` on integers: floors towards negative infinity. The caller rules out a zero divisor. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/** A convolution's output size along one dimension: floor((in + pad_before + pad_after - d(k-1) - 1) / s) + 1. */
export function convOutputSize(input: bigint, padBefore: bigint, padAfter: bigint, dilation: bigint, kernel: bigint, stride: bigint): bigint {
  return floorDiv(input + padBefore + padAfter - dilation * (kernel - 1n) - 1n, stride) + 1n;
}

/** A transposed convolution's output size along one dimension: (in-1)s - pad_before - pad_after + d(k-1) + output_padding + 1. */
export function transposedOutputSize(input: bigint, padBefore: bigint, padAfter: bigint, dilation: bigint, kernel: bigint, stride: bigint, outputPadding: bigint): bigint {
  return (input - 1n) * stride - padBefore - padAfter + dilation * (kernel - 1n) + outputPadding + 1n;
}

/**
 * Pooling output size per dimension, as PyTorch's pooling_output_shape: with ceil_mode the last
 * window may start in the padding but not beyond it.
 */
export function poolOutputSize(input: bigint, kernel: bigint, stride: bigint, pad: bigint, dilation: bigint, ceil: boolean): bigint {
  const numerator = input + 2n * pad - dilation * (kernel - 1n) - 1n + (ceil ? stride - 1n : 0n);
  let out = floorDiv(numerator, stride) + 1n;
  if (ceil && (out - 1n) * stride >= input + pad) out -= 1n;
  return out;
}

/** The sizes a convolution's MAC count depends on; spatial sizes and the kernel as products over their dimensions. */
export interface MacSizes {
  batch: bigint;
  inChannels: bigint;
  outChannels: bigint;
  groups: bigint;
  inSpatial: bigint;
  outSpatial: bigint;
  kernel: bigint;
  transposed: boolean;
}

/**
 * MACs = N x prod(output spatial) x C_out x (C_in/g) x prod(k) for a convolution. A transposed
 * convolution scatters each input element through its kernel, so it is counted on the INPUT:
 * N x prod(input spatial) x C_in x (C_out/g) x prod(k).
 */
export function convMacs(s: MacSizes): bigint {
  return s.transposed
    ? s.batch * s.inSpatial * s.inChannels * (s.outChannels / s.groups) * s.kernel
    : s.batch * s.outSpatial * s.outChannels * (s.inChannels / s.groups) * s.kernel;
}
