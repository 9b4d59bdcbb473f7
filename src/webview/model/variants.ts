import {
  ConvError, ConvRecord, ConvSpec, DTYPE_BYTES, Dtype, KIND_LABELS, computeLayer, formatShape, groupChoices, product, ratio,
  separableReplacement, withGroups,
} from '../../core';

/** One column of the side-by-side comparison. */
export interface Variant {
  id: string;
  title: string;
  /** What kind of layer it is, e.g. "depthwise". */
  kind: string;
  /** The groups value, or null for the two-layer depthwise-separable replacement. */
  groups: bigint | null;
  weightShape: string;
  params: bigint;
  macs: bigint | null;
  flops: bigint | null;
  weightBytes: bigint;
  /** Bytes of activations read and written: input, output, and any intermediate tensor. */
  activationBytes: bigint | null;
  /** FLOPs per byte moved; null when the input is unknown. */
  intensity: number | null;
  /** dense / this, for parameters and for MACs. */
  paramsSavings: number;
  macsSavings: number | null;
  /** True for the column that shows the controls' layer itself. */
  current: boolean;
  forwardError: ConvError | null;
}

export interface Comparison {
  record: ConvRecord;
  variants: Variant[];
  /** Why the depthwise-separable column is missing, when it is. */
  separableNote: string | null;
}

/** How many groups values other than 1 and the current one get a column of their own. */
const OTHER_GROUPS_COLUMNS = 3;

/**
 * The layer, its dense version, a few other valid groups values and its depthwise-separable
 * replacement, all computed by the core. Savings are against the dense (groups=1) layer.
 */
export function compareVariants(spec: ConvSpec, input: readonly bigint[] | null, dtype: Dtype, whatIf = false): Comparison {
  const record = computeLayer(spec, input);
  const dense = spec.groups === 1n ? record : computeLayer(withGroups(spec, 1n), input);
  // A what-if's column is labelled as such: "This layer" beside groups=16 while the code says 4 misleads.
  const name = whatIf ? 'What-if' : 'This layer';
  const variants: Variant[] = [fromRecord(record, dense, dtype, true, 'this', spec.groups === 1n ? `${name} (dense)` : name)];
  if (spec.groups !== 1n) variants.push(fromRecord(dense, dense, dtype, false, 'g1', 'Dense'));
  for (const g of otherGroups(record.valid_groups, spec.groups)) {
    variants.push(fromRecord(computeLayer(withGroups(spec, g), input), dense, dtype, false, `g${g}`, g === spec.in_channels ? 'Depthwise' : `groups=${g}`));
  }
  const separable = separableVariant(spec, input, dense, dtype);
  if (separable.variant) variants.push(separable.variant);
  return { record, variants, separableNote: separable.note };
}

/**
 * Picks groups values spread evenly on a log scale between 2 and the largest valid value,
 * always including the largest (depthwise when C_in divides C_out).
 */
export function otherGroups(valid: readonly bigint[], current: bigint): bigint[] {
  // Picked from an even sample of the list, so a layer with thousands of valid values costs no more.
  const candidates = groupChoices(valid, current, 64).filter((g) => g !== 1n && g !== current);
  if (candidates.length <= OTHER_GROUPS_COLUMNS) return candidates;
  const picked = new Set<bigint>([candidates[candidates.length - 1]]);
  const logs = candidates.map((g) => Math.log(Number(g)));
  const lo = logs[0];
  const hi = logs[logs.length - 1];
  for (let i = 0; picked.size < OTHER_GROUPS_COLUMNS && i < OTHER_GROUPS_COLUMNS; i++) {
    const target = lo + ((hi - lo) * i) / OTHER_GROUPS_COLUMNS;
    let best = 0;
    logs.forEach((l, j) => { if (!picked.has(candidates[j]) && Math.abs(l - target) < Math.abs(logs[best] - target)) best = j; });
    picked.add(candidates[best]);
  }
  return candidates.filter((g) => picked.has(g));
}

function fromRecord(record: ConvRecord, dense: ConvRecord, dtype: Dtype, current: boolean, id: string, title: string): Variant {
  const memory = record.memory[dtype];
  return {
    id,
    title,
    kind: KIND_LABELS[record.kind],
    groups: record.spec.groups,
    weightShape: formatShape(record.weight_shape),
    params: record.params,
    macs: record.macs,
    flops: record.flops,
    weightBytes: memory.weight_bytes,
    activationBytes: memory.input_bytes !== null && memory.output_bytes !== null ? memory.input_bytes + memory.output_bytes : null,
    intensity: memory.arithmetic_intensity,
    paramsSavings: ratio(dense.params, record.params),
    macsSavings: record.macs !== null && dense.macs !== null && record.macs > 0n ? ratio(dense.macs, record.macs) : null,
    current,
    forwardError: record.forward_error,
  };
}

/**
 * The depthwise conv followed by the pointwise conv. Its activations are the input, the
 * intermediate tensor (written by the depthwise layer, read back by the pointwise one, so it
 * moves twice) and the output.
 */
function separableVariant(spec: ConvSpec, input: readonly bigint[] | null, dense: ConvRecord, dtype: Dtype): { variant: Variant | null; note: string | null } {
  if (spec.transposed) return { variant: null, note: 'The depthwise-separable replacement is defined for Conv1d/2d/3d, not for transposed layers.' };
  const s = separableReplacement(spec, input);
  if (!s) return { variant: null, note: 'No depthwise-separable replacement for this layer.' };
  const size = DTYPE_BYTES[dtype];
  const inputBytes = input ? product(input) * size : null;
  const middle = s.depthwise.output_shape ? product(s.depthwise.output_shape) * size : null;
  const output = s.pointwise.output_shape ? product(s.pointwise.output_shape) * size : null;
  const activations = inputBytes !== null && middle !== null && output !== null ? inputBytes + 2n * middle + output : null;
  const weightBytes = s.params * size;
  const flops = s.macs !== null ? 2n * s.macs : null;
  const moved = activations !== null ? activations + weightBytes : null;
  const variant: Variant = {
    id: 'separable',
    title: 'Depthwise-separable',
    kind: 'depthwise + pointwise (1x1)',
    groups: null,
    weightShape: `${formatShape(s.depthwise.weight_shape)} + ${formatShape(s.pointwise.weight_shape)}`,
    params: s.params,
    macs: s.macs,
    flops,
    weightBytes,
    activationBytes: activations,
    intensity: flops !== null && moved !== null && moved > 0n ? ratio(flops, moved) : null,
    paramsSavings: ratio(dense.params, s.params),
    macsSavings: s.macs !== null && dense.macs !== null && s.macs > 0n ? ratio(dense.macs, s.macs) : null,
    current: false,
    forwardError: s.depthwise.forward_error ?? s.pointwise.forward_error,
  };
  return { variant, note: null };
}
