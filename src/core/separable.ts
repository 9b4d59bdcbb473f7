import { ratio } from './memory';
import { ConvRecord, computeLayer } from './record';
import { ConvSpec } from './spec';

/**
 * A depthwise kxk conv followed by a pointwise 1x1 conv, compared with the single dense kxk
 * conv it replaces (MobileNet's depthwise-separable factorization).
 */
export interface SeparableComparison {
  depthwise: ConvRecord;
  pointwise: ConvRecord;
  dense: ConvRecord;
  params: bigint;
  macs: bigint | null;
  /** (depthwise + pointwise) / dense, counted. */
  params_ratio: number;
  macs_ratio: number | null;
  /** MobileNet's closed form 1/N + 1/k^2 (N output channels, k^2 the kernel's area), which ignores bias. */
  mobilenet_ratio: number;
}

/**
 * Below this many input channels a layer reads the image itself (gray, RGB, RGBA): MobileNets
 * keep such a stem dense, since a depthwise conv there would filter each of 1-4 planes alone
 * before any mixing, and grouping it has next to nothing to save.
 */
export const FEW_INPUT_CHANNELS = 8n;

/**
 * Whether the depthwise-separable rewrite applies to a layer, for advice and quick fixes alike:
 * a dense kxk conv (k > 1), not transposed, reading FEW_INPUT_CHANNELS or more channels.
 */
export function separableAdvised(record: Pick<ConvRecord, 'kind' | 'spec'>): boolean {
  const { spec } = record;
  return record.kind === 'dense' && !spec.transposed && spec.kernel_size.some((k) => k > 1n) && spec.in_channels >= FEW_INPUT_CHANNELS;
}

/** The depthwise-separable replacement of a (non-transposed) dense layer. */
export function separableReplacement(spec: ConvSpec, input: readonly bigint[] | null): SeparableComparison | null {
  if (spec.transposed) return null;
  const depthwiseSpec: ConvSpec = { ...spec, out_channels: spec.in_channels, groups: spec.in_channels, bias: false };
  const depthwise = computeLayer(depthwiseSpec, input);
  const pointwise = computeLayer(pointwiseAfter(spec), depthwise.output_shape);
  const dense = computeLayer({ ...spec, groups: 1n }, input);
  return compare(depthwise, pointwise, dense);
}

/** Compares a depthwise layer and the pointwise layer after it with the dense conv they replace. */
export function separablePair(depthwise: ConvRecord, pointwise: ConvRecord): SeparableComparison {
  const d = depthwise.spec;
  const denseSpec: ConvSpec = { ...d, out_channels: pointwise.spec.out_channels, groups: 1n, bias: pointwise.spec.bias };
  return compare(depthwise, pointwise, computeLayer(denseSpec, depthwise.input_shape));
}

/** True when `first` then `second` form a depthwise-separable pair. */
export function isSeparablePair(first: ConvRecord, second: ConvRecord): boolean {
  const depthwise = first.kind === 'depthwise' || first.kind === 'depthwise_multiplier';
  return depthwise && second.kind === 'pointwise' && second.spec.in_channels === first.spec.out_channels && !first.spec.transposed && !second.spec.transposed;
}

function pointwiseAfter(spec: ConvSpec): ConvSpec {
  const ones = spec.kernel_size.map(() => 1n);
  return {
    ...spec,
    kernel_size: ones,
    stride: ones,
    padding: spec.kernel_size.map(() => 0n),
    dilation: ones,
    groups: 1n,
  };
}

function compare(depthwise: ConvRecord, pointwise: ConvRecord, dense: ConvRecord): SeparableComparison {
  const params = depthwise.params + pointwise.params;
  const macs = depthwise.macs !== null && pointwise.macs !== null ? depthwise.macs + pointwise.macs : null;
  const area = dense.spec.kernel_size.reduce((a, k) => a * k, 1n);
  return {
    depthwise,
    pointwise,
    dense,
    params,
    macs,
    params_ratio: ratio(params, dense.params),
    macs_ratio: macs !== null && dense.macs !== null ? ratio(macs, dense.macs) : null,
    mobilenet_ratio: 1 / Number(dense.spec.out_channels) + 1 / Number(area),
  };
}
