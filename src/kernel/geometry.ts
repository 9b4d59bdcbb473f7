import { convMacs } from '../core/arithmetic';
import { ConvRecord } from '../core/record';

/**
 * One convolution's geometry as plain numbers, read from the core's record so no kernel
 * recomputes shape math. Spatial arrays are always three long ([D, H, W]): a 2d layer has D=1
 * and a 1d layer has D=H=1, so every kernel works on volumes and lower ranks are special cases.
 */
export interface ConvGeometry {
  /** The spatial rank the layer was declared with (1, 2 or 3). */
  rank: 1 | 2 | 3;
  batch: number;
  inChannels: number;
  outChannels: number;
  groups: number;
  inSize: [number, number, number];
  outSize: [number, number, number];
  kernel: [number, number, number];
  stride: [number, number, number];
  dilation: [number, number, number];
  padBefore: [number, number, number];
  padAfter: [number, number, number];
  bias: boolean;
  /**
   * A transposed convolution: weights are [C_in, C_out/g, *k], padBefore = padAfter is its
   * `padding`, and outputPadding adds to the far side of the output.
   */
  transposed: boolean;
  outputPadding: [number, number, number];
}

export type GeometryResult = { ok: true; geometry: ConvGeometry } | { ok: false; message: string };

/** Turns a record (with a known input shape and a successful forward) into a kernel geometry. */
export function geometryFromRecord(record: ConvRecord): GeometryResult {
  const { spec, input_shape: input, output_shape: output } = record;
  if (spec.padding_mode !== 'zeros') return { ok: false, message: `padding_mode='${spec.padding_mode}' is not supported by the kernel (only 'zeros')` };
  if (!input || !output) return { ok: false, message: record.forward_error?.message ?? 'the input shape is unknown' };
  const rank = spec.kernel_size.length as 1 | 2 | 3;
  const batched = input.length === rank + 2;
  // PyTorch expands a one-element tuple to every dimension at forward time.
  const expand = (values: readonly bigint[]): readonly bigint[] => (values.length === 1 && rank > 1 ? Array(rank).fill(values[0]) : values);
  const lift = (values: readonly bigint[]): [number, number, number] => {
    const numbers = expand(values).map(Number);
    while (numbers.length < 3) numbers.unshift(1);
    return numbers as [number, number, number];
  };
  const liftPads = (side: 0 | 1): [number, number, number] => {
    const pads = record.padding_per_side.length === 1 && rank > 1 ? Array(rank).fill(record.padding_per_side[0]) : record.padding_per_side;
    const numbers = pads.map((p: [bigint, bigint]) => Number(p[side]));
    while (numbers.length < 3) numbers.unshift(0);
    return numbers as [number, number, number];
  };
  return {
    ok: true,
    geometry: {
      rank,
      batch: batched ? Number(input[0]) : 1,
      inChannels: Number(spec.in_channels),
      outChannels: Number(spec.out_channels),
      groups: Number(spec.groups),
      inSize: lift(input.slice(-rank)),
      outSize: lift(output.slice(-rank)),
      kernel: lift(spec.kernel_size),
      stride: lift(spec.stride),
      dilation: lift(spec.dilation),
      padBefore: liftPads(0),
      padAfter: liftPads(1),
      bias: spec.bias,
      transposed: spec.transposed,
      outputPadding: spec.transposed ? lift(spec.output_padding).map((p, i) => (i < 3 - rank ? 0 : p)) as [number, number, number] : [0, 0, 0],
    },
  };
}

/** Element counts of the input, weight, bias and output tensors. */
export function tensorSizes(g: ConvGeometry): { input: number; weight: number; bias: number; output: number } {
  const volume = (s: readonly number[]): number => s[0] * s[1] * s[2];
  return {
    input: g.batch * g.inChannels * volume(g.inSize),
    weight: g.outChannels * (g.inChannels / g.groups) * volume(g.kernel),
    bias: g.bias ? g.outChannels : 0,
    output: g.batch * g.outChannels * volume(g.outSize),
  };
}

/** Multiply-accumulates, counted by the core (convMacs), as a number for timing maths. */
export function geometryMacs(g: ConvGeometry): number {
  const volume = (s: readonly number[]): bigint => BigInt(s[0] * s[1] * s[2]);
  return Number(convMacs({
    batch: BigInt(g.batch),
    inChannels: BigInt(g.inChannels),
    outChannels: BigInt(g.outChannels),
    groups: BigInt(g.groups),
    inSpatial: volume(g.inSize),
    outSpatial: volume(g.outSize),
    kernel: volume(g.kernel),
    transposed: g.transposed,
  }));
}
