import { MacSizes, convMacs } from './arithmetic';
import { ConvError } from './errors';
import { ConvKind, convKind, validGroups } from './groups';
import { DTYPES, Dtype, MemoryFigures, memoryFigures, product, ratio } from './memory';
import { ForwardResult, forwardShape, paddingPerSide, weightShape } from './shape';
import { ConvSpec } from './spec';

/**
 * Everything Conv Lens says about one layer, computed once and read by every surface
 * (hover, CodeLens, report, webview, CLI, kernel). Integers are exact bigints.
 */
export interface ConvRecord {
  spec: ConvSpec;
  kind: ConvKind;
  weight_shape: bigint[];
  bias_shape: bigint[] | null;
  weight_params: bigint;
  params: bigint;
  /** Padding actually applied per spatial dimension, [before, after] ('same' resolved). */
  padding_per_side: Array<[bigint, bigint]>;
  input_shape: bigint[] | null;
  output_shape: bigint[] | null;
  /** Multiply-accumulates; null when the input shape is unknown or the forward fails. */
  macs: bigint | null;
  /** FLOPs = 2 x MACs (a multiply and an add each); bias additions are counted apart. */
  flops: bigint | null;
  bias_adds: bigint | null;
  forward_error: ConvError | null;
  /** The same layer with groups=1. */
  dense_weight_params: bigint;
  dense_params: bigint;
  dense_macs: bigint | null;
  /** dense / this, for weights (exactly groups) and MACs (exactly groups). */
  savings: number;
  /** Every valid groups value, or (when there are more than DIVISORS_LISTED) 1, the gcd and those nearest this layer's groups. */
  valid_groups: bigint[];
  valid_groups_complete: boolean;
  /** How many valid groups values there are; null when the gcd could not be factored. */
  valid_groups_count: bigint | null;
  memory: Record<Dtype, MemoryFigures>;
}

/**
 * Computes a layer's record; `input` is the (batched or unbatched) input shape when known, and
 * `forward` what forwardShape(spec, input) gave, when the caller already has it.
 */
export function computeLayer(spec: ConvSpec, input: readonly bigint[] | null = null, forward: ForwardResult | null = null): ConvRecord {
  const weight = weightShape(spec);
  const weightParams = product(weight);
  const biasParams = spec.bias ? spec.out_channels : 0n;
  forward = input ? forward ?? forwardShape(spec, input) : null;
  const output = forward?.ok ? forward.output : null;
  const counts = input && output ? countMacs(spec, input, output) : null;
  const denseWeight = spec.out_channels * spec.in_channels * product(spec.kernel_size);
  const flops = counts ? counts.macs * 2n : null;
  const params = weightParams + biasParams;
  const groups = validGroups(spec.in_channels, spec.out_channels, spec.groups);
  return {
    spec,
    kind: convKind(spec),
    weight_shape: weight,
    bias_shape: spec.bias ? [spec.out_channels] : null,
    weight_params: weightParams,
    params,
    padding_per_side: paddingPerSide(spec),
    input_shape: input ? [...input] : null,
    output_shape: output,
    macs: counts?.macs ?? null,
    flops,
    bias_adds: counts?.biasAdds ?? null,
    forward_error: forward && !forward.ok ? forward.error : null,
    dense_weight_params: denseWeight,
    dense_params: denseWeight + biasParams,
    dense_macs: counts ? counts.macs * spec.groups : null,
    savings: ratio(denseWeight, weightParams),
    valid_groups: groups.values,
    valid_groups_complete: groups.complete,
    valid_groups_count: groups.count,
    memory: memoryByDtype(params, input, output, flops),
  };
}

function memoryByDtype(params: bigint, input: readonly bigint[] | null, output: readonly bigint[] | null, flops: bigint | null): Record<Dtype, MemoryFigures> {
  const out = {} as Record<Dtype, MemoryFigures>;
  for (const d of DTYPES) out[d] = memoryFigures(d, params, input, output, flops);
  return out;
}

/** The MACs of a layer's call on `input` (see convMacs); bias adds one addition per output element. */
function countMacs(spec: ConvSpec, input: readonly bigint[], output: readonly bigint[]): { macs: bigint; biasAdds: bigint } {
  const sizes = layerMacSizes(spec, input, output);
  return { macs: convMacs(sizes), biasAdds: spec.bias ? sizes.batch * spec.out_channels * sizes.outSpatial : 0n };
}

/** The MACs of a layer's call on a (batched or unbatched) input that gives `output`. */
export function layerMacs(spec: ConvSpec, input: readonly bigint[], output: readonly bigint[]): bigint {
  return convMacs(layerMacSizes(spec, input, output));
}

/** What a layer's MAC count depends on, for a (batched or unbatched) input and the output it gives. */
function layerMacSizes(spec: ConvSpec, input: readonly bigint[], output: readonly bigint[]): MacSizes {
  const n = spec.kernel_size.length;
  return {
    batch: input.length === n + 2 ? input[0] : 1n,
    inChannels: spec.in_channels,
    outChannels: spec.out_channels,
    groups: spec.groups,
    inSpatial: product(input, lastItems(input, n)),
    outSpatial: product(output, lastItems(output, n)),
    kernel: product(spec.kernel_size),
    transposed: spec.transposed,
  };
}

/** Where `values.slice(-n)` starts (all of it when n is 0, as slice(-0) is slice(0)). */
function lastItems(values: readonly bigint[], n: number): number {
  return n === 0 ? 0 : Math.max(0, values.length - n);
}

/** The layer with another groups value (which the caller knows is valid). */
export function withGroups(spec: ConvSpec, groups: bigint): ConvSpec {
  return { ...spec, groups };
}

/** One row per valid groups value: what the layer would weigh and cost with it. */
export interface GroupsVariant {
  groups: bigint;
  kind: ConvKind;
  params: bigint;
  macs: bigint | null;
}

export function groupsTable(record: ConvRecord): GroupsVariant[] {
  return record.valid_groups.map((g) => {
    const variant = computeLayer(withGroups(record.spec, g), record.input_shape);
    return { groups: g, kind: variant.kind, params: variant.params, macs: variant.macs };
  });
}
