import { ConvRecord, ConvSpec, computeLayer, convOutputSize, product, ratio, separableReplacement, transposedOutputSize, withGroups } from '../core';
import { ConvGeometry, equivalentConv, geometryFromRecord } from '../kernel';
import { SandboxVariantRequest } from '../protocol/sandbox';

/** One conv the sandbox runs: the core's record and the kernel geometry read from it. */
export interface RunLayer {
  record: ConvRecord;
  geometry: ConvGeometry;
}

/** A column of the comparison, ready to run: one layer, or the depthwise then pointwise pair. */
export interface PlannedVariant {
  id: string;
  title: string;
  layers: RunLayer[];
  macs: bigint;
  /** FLOPs per byte moved in fp32, as the comparison table counts it. */
  intensity: number | null;
  /** The core's output shape for the last layer. */
  predictedOutput: bigint[];
  dense: boolean;
}

export type Planned<T> = { ok: true; value: T } | { ok: false; message: string };

const FP32 = 4n;

/** A batched input shape: an unbatched one gets a batch of 1, as PyTorch treats it. */
export function batchedInput(spec: ConvSpec, input: readonly bigint[]): bigint[] {
  const rank = spec.kernel_size.length;
  return input.length === rank + 1 ? [1n, ...input] : [...input];
}

/** Records and geometries for every requested column, or why one cannot run on the kernel. */
export function planVariants(spec: ConvSpec, input: readonly bigint[], requests: readonly SandboxVariantRequest[]): Planned<PlannedVariant[]> {
  const planned: PlannedVariant[] = [];
  for (const request of requests) {
    const variant = request.groups === null ? planSeparable(spec, input, request) : planGrouped(spec, input, request, BigInt(request.groups));
    if (!variant.ok) return variant;
    planned.push(variant.value);
  }
  return { ok: true, value: planned };
}

function runLayer(record: ConvRecord): Planned<RunLayer> {
  if (record.forward_error) return { ok: false, message: record.forward_error.message };
  const geometry = geometryFromRecord(record);
  if (!geometry.ok) return { ok: false, message: geometry.message };
  if (geometry.geometry.transposed) {
    // The kernel runs a transposed conv as an equivalent conv, which it refuses for some paddings.
    try {
      equivalentConv(geometry.geometry);
    } catch (e) {
      return { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
  }
  return { ok: true, value: { record, geometry: geometry.geometry } };
}

function planGrouped(spec: ConvSpec, input: readonly bigint[], request: SandboxVariantRequest, groups: bigint): Planned<PlannedVariant> {
  if (spec.in_channels % groups !== 0n || spec.out_channels % groups !== 0n) {
    return { ok: false, message: `${request.title}: groups=${groups} does not divide ${spec.in_channels} input and ${spec.out_channels} output channels` };
  }
  const layer = runLayer(computeLayer(withGroups(spec, groups), input));
  if (!layer.ok) return { ok: false, message: `${request.title}: ${layer.message}` };
  const { record } = layer.value;
  return {
    ok: true,
    value: {
      id: request.id,
      title: request.title,
      layers: [layer.value],
      macs: record.macs ?? 0n,
      intensity: record.memory.fp32.arithmetic_intensity,
      predictedOutput: record.output_shape ?? [],
      dense: groups === 1n,
    },
  };
}

/**
 * The depthwise conv then the pointwise conv. Their activations are the input, the intermediate
 * tensor (written once and read back once) and the output, as the comparison table counts them.
 */
function planSeparable(spec: ConvSpec, input: readonly bigint[], request: SandboxVariantRequest): Planned<PlannedVariant> {
  const pair = separableReplacement(spec, input);
  if (!pair) return { ok: false, message: `${request.title}: no depthwise-separable replacement for this layer` };
  const depthwise = runLayer(pair.depthwise);
  if (!depthwise.ok) return { ok: false, message: `${request.title}: ${depthwise.message}` };
  const pointwise = runLayer(pair.pointwise);
  if (!pointwise.ok) return { ok: false, message: `${request.title}: ${pointwise.message}` };
  const macs = pair.macs ?? 0n;
  const middle = product(pair.depthwise.output_shape ?? []);
  const moved = (pair.params + product(input) + 2n * middle + product(pair.pointwise.output_shape ?? [])) * FP32;
  return {
    ok: true,
    value: {
      id: request.id,
      title: request.title,
      layers: [depthwise.value, pointwise.value],
      macs,
      intensity: moved > 0n ? ratio(2n * macs, moved) : null,
      predictedOutput: pair.pointwise.output_shape ?? [],
      dense: false,
    },
  };
}

/**
 * The output shape a run produced, worked out from the tensors it ran on (not from the record's
 * predicted output) with the core's per-dimension output sizes, so the two can be set side by side.
 */
export function producedShape(g: ConvGeometry, inputSpatial: readonly number[]): number[] {
  const b = (n: number): bigint => BigInt(n);
  const spatial = [0, 1, 2].map((i) => Number(g.transposed
    ? transposedOutputSize(b(inputSpatial[i]), b(g.padBefore[i]), b(g.padAfter[i]), b(g.dilation[i]), b(g.kernel[i]), b(g.stride[i]), b(g.outputPadding[i]))
    : convOutputSize(b(inputSpatial[i]), b(g.padBefore[i]), b(g.padAfter[i]), b(g.dilation[i]), b(g.kernel[i]), b(g.stride[i]))));
  return [g.batch, g.outChannels, ...spatial.slice(3 - g.rank)];
}
