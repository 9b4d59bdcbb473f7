import { convOutputSize } from '../../core';
import { PyError } from '../values/errors';
import { Tensor, Value } from '../values/values';
import { asInt, shapeOf } from './native';

/** The four 2-tuples that im2col and col2im take, each read as `_pair` reads it. */
interface BlockGeometry {
  kernel: bigint[];
  dilation: bigint[];
  padding: bigint[];
  stride: bigint[];
}

function pair(v: Value): bigint[] | null {
  const items = Array.isArray(v) ? v : [v, v];
  if (items.length !== 2) return null;
  const out = items.map(asInt);
  return out.every((x) => x !== null) ? (out as bigint[]) : null;
}

function geometry(kernel: Value, dilation: Value, padding: Value, stride: Value): BlockGeometry | null {
  const g = { kernel: pair(kernel), dilation: pair(dilation), padding: pair(padding), stride: pair(stride) };
  if (!g.kernel || !g.dilation || !g.padding || !g.stride) return null;
  // PyTorch rejects non-positive kernels, dilations and strides and negative padding with messages
  // of its own; the shape is then unknown rather than guessed.
  const positive = [...g.kernel, ...g.dilation, ...g.stride].every((v) => v > 0n) && g.padding.every((v) => v >= 0n);
  return positive ? (g as BlockGeometry) : null;
}

const tuple = (v: bigint[]): string => `(${v.join(', ')})`;

/** The number of sliding blocks along each spatial dimension: a convolution's output size. */
function blockCounts(spatial: bigint[], g: BlockGeometry): bigint[] {
  return spatial.map((size, i) => convOutputSize(size, g.padding[i], g.padding[i], g.dilation[i], g.kernel[i], g.stride[i]));
}

/**
 * nn.Unfold / F.unfold (im2col): (N, C, H, W) or (C, H, W) becomes (N, C x kh x kw, L) where L
 * is the number of sliding blocks, each dimension counted as a convolution's output size.
 */
export function unfoldShape(x: Value, kernel: Value, dilation: Value, padding: Value, stride: Value): Value {
  const s = shapeOf(x);
  const g = geometry(kernel, dilation, padding, stride);
  if (!s || !g) return new Tensor(null);
  if ((s.length !== 3 && s.length !== 4) || s.slice(s.length - 3).some((d) => d === 0n)) {
    throw new PyError('RuntimeError', `Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: [${s.join(', ')}]`);
  }
  const counts = blockCounts(s.slice(-2), g);
  if (counts.some((c) => c < 1n)) {
    throw new PyError('RuntimeError', `Given input with spatial size ${tuple(s.slice(-2))}, kernel_size=${tuple(g.kernel)}, dilation=${tuple(g.dilation)}, padding=${tuple(g.padding)}, calculated shape of the array of sliding blocks as ${tuple(counts)}, but its components must be at least one.`);
  }
  const channels = s[s.length - 3] * g.kernel[0] * g.kernel[1];
  return new Tensor([...s.slice(0, -3), channels, counts[0] * counts[1]]);
}

/**
 * nn.Fold / F.fold (col2im), unfold's adjoint: (N, C x kh x kw, L) or (C x kh x kw, L) becomes
 * (N, C, output_size), provided L is the block count that output size gives.
 */
export function foldShape(x: Value, outputSize: Value, kernel: Value, dilation: Value, padding: Value, stride: Value): Value {
  const s = shapeOf(x);
  const g = geometry(kernel, dilation, padding, stride);
  const out = pair(outputSize);
  if (!s || !g || !out) return new Tensor(null);
  if (s.length !== 2 && s.length !== 3) {
    throw new PyError('RuntimeError', `Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: [${s.join(', ')}]`);
  }
  const dim = s.length - 2;
  const columns = s[dim];
  const perBlock = g.kernel[0] * g.kernel[1];
  if (columns % perBlock !== 0n) {
    throw new PyError('RuntimeError', `Expected size of input's dimension ${dim} to be divisible by the product of kernel_size, but got input.size(${dim})=${columns} and kernel_size=${tuple(g.kernel)}.`);
  }
  const counts = blockCounts(out, g);
  const blocks = counts[0] * counts[1];
  if (s[dim + 1] !== blocks) {
    throw new PyError('RuntimeError', `Given output_size=${tuple(out)}, kernel_size=${tuple(g.kernel)}, dilation=${tuple(g.dilation)}, padding=${tuple(g.padding)}, stride=${tuple(g.stride)}, expected size of input's dimension ${dim + 1} to match the calculated number of sliding blocks ${counts[0]} * ${counts[1]} = ${blocks}, but got input.size(${dim + 1})=${s[dim + 1]}.`);
  }
  return new Tensor([...s.slice(0, dim), columns / perBlock, ...out]);
}
