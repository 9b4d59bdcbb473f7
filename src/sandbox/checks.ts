import { ConvSpec, computeLayer, humanizeBytes, separableReplacement, withGroups } from '../core';
import { ConvGeometry, ConvTensors, WasmConvKernel, geometryFromRecord, geometryMacs, referenceConv, tensorSizes } from '../kernel';
import { CheckResult } from '../protocol/sandbox';
import { layerBytes } from './budget';
import { blockDiagonal, composeSeparable, concatChannels, fillRandom, maxAbs, maxAbsDifference, randomSource, sliceChannels } from './tensors';

/** The checks run on an input shrunk until the dense layer costs at most this many MACs. */
export const CHECK_DENSE_MACS = 8_000_000;
/** The plain-loop reference is skipped above this many MACs (it would take seconds). */
export const REFERENCE_MACS_LIMIT = 200_000_000;
/** Grouped-vs-slices runs one conv per group; past this many groups it is skipped. */
export const MAX_SLICE_GROUPS = 1024;

/** What the checks are about: the layer as written, a grouped column, and whether the separable pair is shown. */
export interface CheckSubjects {
  spec: ConvSpec;
  /** groups of the first grouped (groups > 1) column, or null when none is shown. */
  grouped: bigint | null;
  separable: boolean;
}

/** A batch-1 input no larger than `input`, halved in space until dense costs at most CHECK_DENSE_MACS. */
export function checkInput(spec: ConvSpec, input: readonly bigint[]): bigint[] {
  const rank = spec.kernel_size.length;
  let shape = [1n, ...input.slice(-rank - 1)];
  const dense = withGroups(spec, 1n);
  for (;;) {
    const macs = computeLayer(dense, shape).macs;
    if (macs === null || macs <= BigInt(CHECK_DENSE_MACS)) return shape;
    const halved = [...shape.slice(0, 2), ...shape.slice(2).map((d) => (d + 1n) / 2n)];
    if (halved.every((d, i) => d === shape[i]) || computeLayer(dense, halved).forward_error) return shape;
    shape = halved;
  }
}

/** Bytes a check's convs need: each prepared, with its input and output held in JavaScript twice. */
function checkBytes(layers: ReadonlyArray<[ConvSpec, readonly bigint[] | null]>): number {
  return layers.reduce((sum, [spec, at]) => {
    const g = at ? geometryFromRecord(computeLayer(spec, at)) : null;
    if (!g?.ok) return sum;
    const sizes = tensorSizes(g.geometry);
    return sum + layerBytes(g.geometry) + 2 * (sizes.input + sizes.output) * 4;
  }, 0);
}

/** The convs each check runs, for its memory estimate. */
function checkLayers(id: string, subjects: CheckSubjects, input: readonly bigint[]): Array<[ConvSpec, readonly bigint[] | null]> {
  const { spec, grouped } = subjects;
  const dense: [ConvSpec, readonly bigint[]] = [withGroups(spec, 1n), input];
  if (id === 'reference') return [[spec, input]];
  if (id === 'separable') {
    const pair = separableReplacement(spec, input);
    return pair ? [[pair.depthwise.spec, input], [pair.pointwise.spec, pair.depthwise.output_shape], dense] : [];
  }
  const groups = grouped ?? 1n;
  const groupedSpec = withGroups(spec, groups);
  if (id === 'block-diagonal') return [dense, [groupedSpec, input]];
  // One slice conv at a time: C_in/g to C_out/g channels.
  const slice: ConvSpec = { ...spec, in_channels: spec.in_channels / groups, out_channels: spec.out_channels / groups, groups: 1n };
  return [[groupedSpec, input], [slice, [input[0], spec.in_channels / groups, ...input.slice(2)]]];
}

// The panel runs the layer it shows: as written, or the what-if when the controls changed it.
const REFERENCE_TITLE = 'WebAssembly kernel = reference kernel (the layer shown)';
const SEPARABLE_TITLE = 'depthwise then pointwise = one dense conv with kernel W[o,i,:,:] = P[o,i] * D[i,:,:]';
const slicesTitle = (groups: bigint): string => `groups=${groups} conv = concatenation of ${groups} separate convs on channel slices`;
const blockDiagonalTitle = (groups: bigint): string => `dense conv with block-diagonal-masked weight = groups=${groups} conv`;

type Runner = (g: ConvGeometry, t: ConvTensors) => Promise<Float32Array>;

/** Random tensors for a geometry; weights scaled by 1/sqrt(fan-in) so outputs stay near 1. */
function randomTensors(g: ConvGeometry, random: () => number, input?: Float32Array): ConvTensors {
  const sizes = tensorSizes(g);
  const fanIn = (g.inChannels / g.groups) * g.kernel[0] * g.kernel[1] * g.kernel[2];
  return {
    input: input ?? fillRandom(new Float32Array(sizes.input), random),
    weight: fillRandom(new Float32Array(sizes.weight), random, 1 / Math.sqrt(fanIn)),
    bias: g.bias ? fillRandom(new Float32Array(sizes.bias), random, 0.1) : null,
  };
}

function geometryOf(spec: ConvSpec, input: readonly bigint[]): ConvGeometry {
  const g = geometryFromRecord(computeLayer(spec, input));
  if (!g.ok) throw new Error(g.message);
  return g.geometry;
}

/** Float32 rounding grows with the reduction length; this allows for it, scaled by the values' size. */
function tolerance(reduction: number, expected: Float32Array): number {
  return Math.max(1e-5, 2e-7 * reduction) * Math.max(1, maxAbs(expected));
}

function compared(id: string, title: string, input: readonly bigint[], actual: Float32Array, expected: Float32Array, reduction: number): CheckResult {
  const maxError = maxAbsDifference(actual, expected);
  const tol = tolerance(reduction, expected);
  return { id, title, input: input.map(String), maxError: Number.isFinite(maxError) ? maxError : Number.MAX_VALUE, tolerance: tol, passed: maxError <= tol, skipped: null };
}

function skipped(id: string, title: string, input: readonly bigint[], why: string): CheckResult {
  return { id, title, input: input.map(String), maxError: 0, tolerance: 0, passed: false, skipped: why };
}

/** Products summed into one output, at most: (C_in/g) x taps, for a conv and a transposed conv alike. */
const reductionOf = (g: ConvGeometry): number => (g.inChannels / g.groups) * g.kernel[0] * g.kernel[1] * g.kernel[2];

/** The WebAssembly kernel against the plain-loop reference, on the layer as written. */
export async function kernelVsReference(run: Runner, spec: ConvSpec, input: readonly bigint[], seed: number): Promise<CheckResult> {
  const title = REFERENCE_TITLE;
  const g = geometryOf(spec, input);
  if (geometryMacs(g) > REFERENCE_MACS_LIMIT) return skipped('reference', title, input, `the reference kernel would take too long (${geometryMacs(g)} MACs even on a reduced input)`);
  const t = randomTensors(g, randomSource(seed));
  return compared('reference', title, input, await run(g, t), referenceConv(g, t), reductionOf(g));
}

/** A grouped conv against `groups` separate convs on channel slices, concatenated. */
export async function groupedVsSlices(run: Runner, spec: ConvSpec, groups: bigint, input: readonly bigint[], seed: number): Promise<CheckResult> {
  const title = slicesTitle(groups);
  if (groups > BigInt(MAX_SLICE_GROUPS)) return skipped('slices', title, input, `more than ${MAX_SLICE_GROUPS} groups`);
  const g = geometryOf(withGroups(spec, groups), input);
  const t = randomTensors(g, randomSource(seed));
  const G = g.groups;
  const inPer = g.inChannels / G;
  const outPer = g.outChannels / G;
  const sliceSpec: ConvSpec = { ...spec, in_channels: BigInt(inPer), out_channels: BigInt(outPer), groups: 1n };
  const slice = geometryOf(sliceSpec, [input[0], BigInt(inPer), ...input.slice(2)]);
  const inVolume = g.inSize[0] * g.inSize[1] * g.inSize[2];
  const outVolume = g.outSize[0] * g.outSize[1] * g.outSize[2];
  const taps = g.kernel[0] * g.kernel[1] * g.kernel[2];
  const parts: Float32Array[] = [];
  for (let k = 0; k < G; k++) {
    const weightRows = t.weight.subarray(k * outPer * inPer * taps, (k + 1) * outPer * inPer * taps);
    parts.push(await run(slice, {
      input: sliceChannels(t.input, g.batch, g.inChannels, inVolume, k * inPer, inPer),
      weight: weightRows,
      bias: t.bias ? t.bias.subarray(k * outPer, (k + 1) * outPer) : null,
    }));
  }
  const joined = concatChannels(parts, parts.map(() => outPer), g.batch, outVolume);
  return compared('slices', title, input, await run(g, t), joined, reductionOf(g));
}

/** A dense conv whose weight is the grouped one placed block-diagonally (zeros elsewhere) against the grouped conv. */
export async function blockDiagonalVsGrouped(run: Runner, spec: ConvSpec, groups: bigint, input: readonly bigint[], seed: number): Promise<CheckResult> {
  const title = blockDiagonalTitle(groups);
  const g = geometryOf(withGroups(spec, groups), input);
  const t = randomTensors(g, randomSource(seed));
  const dense = geometryOf(withGroups(spec, 1n), input);
  const taps = g.kernel[0] * g.kernel[1] * g.kernel[2];
  // A transposed weight is [C_in][C_out/g][taps]: its rows are input channels, its columns outputs.
  const [rows, columns] = g.transposed ? [g.inChannels, g.outChannels] : [g.outChannels, g.inChannels];
  const masked = { input: t.input, weight: blockDiagonal(t.weight, g.groups, rows, columns, taps), bias: t.bias };
  return compared('block-diagonal', title, input, await run(dense, masked), await run(g, t), reductionOf(dense));
}

/** Depthwise then pointwise against one dense conv with the composed kernel W[o,i,:] = P[o,i] * D[i,:]. */
export async function separableVsComposed(run: Runner, spec: ConvSpec, input: readonly bigint[], seed: number): Promise<CheckResult> {
  const title = SEPARABLE_TITLE;
  const pair = separableReplacement(spec, input);
  if (!pair?.depthwise.output_shape) return skipped('separable', title, input, 'no depthwise-separable replacement for this layer');
  const random = randomSource(seed);
  const dw = geometryOf(pair.depthwise.spec, input);
  const pw = geometryOf(pair.pointwise.spec, pair.depthwise.output_shape);
  const dwTensors = randomTensors(dw, random);
  const pwTensors = randomTensors(pw, random, await run(dw, dwTensors));
  const twoStep = await run(pw, pwTensors);
  const denseSpec: ConvSpec = { ...withGroups(spec, 1n), bias: pair.pointwise.spec.bias };
  const dense = geometryOf(denseSpec, input);
  const taps = dw.kernel[0] * dw.kernel[1] * dw.kernel[2];
  const composed = { input: dwTensors.input, weight: composeSeparable(dwTensors.weight, pwTensors.weight, dense.outChannels, dense.inChannels, taps), bias: pwTensors.bias };
  return compared('separable', title, input, twoStep, await run(dense, composed), reductionOf(dense));
}

/** Every check that applies to what is shown, each on the reduced input, each skipped when it alone would exceed the budget. */
export async function runChecks(kernel: WasmConvKernel, subjects: CheckSubjects, input: readonly bigint[], budgetBytes: number, afterCheck: (title: string) => void): Promise<CheckResult[]> {
  const run: Runner = (g, t) => kernel.run(g, t, { memoryBudgetBytes: budgetBytes });
  const shape = checkInput(subjects.spec, input);
  const results: CheckResult[] = [];
  const attempt = async (id: string, title: string, check: () => Promise<CheckResult>): Promise<void> => {
    const need = checkBytes(checkLayers(id, subjects, shape));
    const result = need > budgetBytes ? skipped(id, title, shape, `it would need ${humanizeBytes(BigInt(Math.round(need)))}, over the memory budget`) : await check();
    results.push(result);
    afterCheck(result.title);
  };
  await attempt('reference', REFERENCE_TITLE, () => kernelVsReference(run, subjects.spec, shape, 1));
  const grouped = subjects.grouped;
  if (grouped) {
    await attempt('slices', slicesTitle(grouped), () => groupedVsSlices(run, subjects.spec, grouped, shape, 2));
    await attempt('block-diagonal', blockDiagonalTitle(grouped), () => blockDiagonalVsGrouped(run, subjects.spec, grouped, shape, 3));
  }
  if (subjects.separable) await attempt('separable', SEPARABLE_TITLE, () => separableVsComposed(run, subjects.spec, shape, 4));
  return results;
}

/** How many checks runChecks will report, for the progress bar. */
export function checkCount(subjects: CheckSubjects): number {
  return 1 + (subjects.grouped ? 2 : 0) + (subjects.separable ? 1 : 0);
}
