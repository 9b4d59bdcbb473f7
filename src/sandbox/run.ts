import { WireInt, decodeInts, decodeSpec } from '../protocol/compare';
import { SandboxRunRequest, SandboxResult, VariantResult } from '../protocol/sandbox';
import { PreparedLayer, WasmConvKernel, tensorSizes } from '../kernel';
import { ratio } from '../core';
import { fitBudget } from './budget';
import { CheckSubjects, checkCount, runChecks } from './checks';
import { explainSpeedup } from './explain';
import { PlannedVariant, batchedInput, planVariants, producedShape } from './layers';
import { fillRandom, randomSource } from './tensors';
import { timeInterleaved } from './timing';

export interface SandboxEnvironment {
  kernel: WasmConvKernel;
  /** Milliseconds from a monotonic clock (performance.now in a worker). */
  now(): number;
  progress(done: number, total: number, label: string): void;
}

export type RunOutcome =
  | { type: 'result'; result: SandboxResult }
  | { type: 'refused'; message: string; needBytes: number; budgetBytes: number; suggestion: WireInt[] | null; tooLarge: string[] }
  | { type: 'failed'; message: string };

/** What one variant's timed runs gave, before it is set against dense. */
interface Measured {
  variant: PlannedVariant;
  medianMs: number;
  runs: number;
  produced: number[];
}

/**
 * Runs every requested column on random input: refuses up front when the tensors would exceed
 * the budget, times each column (warm-up, then the median of several runs), then runs the
 * equivalence checks on a reduced input. Pure: the kernel, the clock and progress come in.
 */
export async function runSandbox(request: SandboxRunRequest, env: SandboxEnvironment): Promise<RunOutcome> {
  const spec = decodeSpec(request.spec);
  const input = batchedInput(spec, decodeInts(request.input));
  const planned = planVariants(spec, input, request.variants);
  if (!planned.ok) return { type: 'failed', message: planned.message };
  const subjects = checkSubjects(spec.groups, request);
  const fit = fitBudget(spec, input, request.variants, request.budgetBytes);
  if (!fit.fits) return { type: 'refused', message: fit.message, needBytes: fit.needBytes, budgetBytes: request.budgetBytes, suggestion: fit.suggestion?.map(String) ?? null, tooLarge: fit.tooLarge };

  const variants = planned.value;
  const total = variants.length * request.timing.warmup + request.timing.repeats + checkCount({ spec, ...subjects });
  let done = 0;
  env.progress(done, total, 'Preparing');
  const measured = await measureAll(env, variants, request, () => env.progress(++done, total, 'Timing every column'));
  done = variants.length * request.timing.warmup + request.timing.repeats;
  const checks = await runChecks(env.kernel, { spec, ...subjects }, input, request.budgetBytes, (title) => env.progress(++done, total, `Checked: ${title}`));
  env.progress(total, total, 'Done');
  return { type: 'result', result: { flavour: env.kernel.variant, input: input.map(String), variants: compareWithDense(measured), checks } };
}

/** The grouped column the checks use (the layer's own groups when grouped) and whether the separable pair is shown. */
function checkSubjects(groups: bigint, request: SandboxRunRequest): Omit<CheckSubjects, 'spec'> {
  const shown = request.variants.filter((v) => v.groups !== null).map((v) => BigInt(v.groups!));
  const grouped = groups > 1n ? groups : shown.find((g) => g > 1n) ?? null;
  return { grouped, separable: request.variants.some((v) => v.groups === null) };
}

/** A variant's layers prepared, with the forward pass that runs them in a chain (depthwise into pointwise). */
export interface Ready {
  variant: PlannedVariant;
  layers: PreparedLayer[];
  forward(): void;
}

/** Prepares a column's layers with random weights (pushed to `into` for disposal) and its chained forward pass. */
export async function prepareVariant(env: SandboxEnvironment, variant: PlannedVariant, budgetBytes: number, seed: number, into: PreparedLayer[]): Promise<Ready> {
  const random = randomSource(seed);
  const layers: PreparedLayer[] = [];
  for (const layer of variant.layers) {
    const g = layer.geometry;
    const sizes = tensorSizes(g);
    const fanIn = (g.inChannels / g.groups) * g.kernel[0] * g.kernel[1] * g.kernel[2];
    const weight = fillRandom(new Float32Array(sizes.weight), random, 1 / Math.sqrt(fanIn));
    const bias = g.bias ? fillRandom(new Float32Array(sizes.bias), random, 0.1) : null;
    const prepared = await env.kernel.prepare(g, { weight, bias }, { memoryBudgetBytes: budgetBytes });
    into.push(prepared);
    layers.push(prepared);
  }
  fillRandom(layers[0].input, random);
  const forward = (): void => {
    layers[0].execute();
    for (let i = 1; i < layers.length; i++) {
      layers[i].input.set(layers[i - 1].output);
      layers[i].execute();
    }
  };
  return { variant, layers, forward };
}

/** Prepares every variant (the budget counted them all as live), times them interleaved, and disposes them. */
async function measureAll(env: SandboxEnvironment, variants: readonly PlannedVariant[], request: SandboxRunRequest, afterStep: () => void): Promise<Measured[]> {
  const all: PreparedLayer[] = [];
  try {
    const ready: Ready[] = [];
    for (const [index, variant] of variants.entries()) ready.push(await prepareVariant(env, variant, request.budgetBytes, 1000 + index, all));
    const timed = timeInterleaved(ready.map((r) => r.forward), request.timing, env.now, afterStep);
    return ready.map((r, i) => ({ variant: r.variant, ...timed[i], produced: produced(r.layers) }));
  } finally {
    for (const p of all) p.dispose();
  }
}

/** The last layer's output shape, from the shapes the chain actually ran; checked against its output buffer. */
function produced(prepared: readonly PreparedLayer[]): number[] {
  let spatial = prepared[0].geometry.inSize as readonly number[];
  let shape: number[] = [];
  for (const p of prepared) {
    shape = producedShape(p.geometry, spatial);
    spatial = [1, 1, ...shape.slice(2)].slice(-3);
  }
  const last = prepared[prepared.length - 1];
  const elements = shape.reduce((a, b) => a * b, 1);
  if (elements !== last.output.length) throw new Error(`the kernel wrote ${last.output.length} output values, but the shape it ran gives ${shape.join('x')} = ${elements}`);
  return shape;
}

function compareWithDense(measured: readonly Measured[]): VariantResult[] {
  const dense = measured.find((m) => m.variant.dense) ?? null;
  return measured.map((m) => {
    const countedRatio = dense && m.variant.macs > 0n ? ratio(dense.variant.macs, m.variant.macs) : null;
    const measuredSpeedup = dense && m.medianMs > 0 ? dense.medianMs / m.medianMs : null;
    return {
      id: m.variant.id,
      title: m.variant.title,
      medianMs: m.medianMs,
      runs: m.runs,
      gflops: m.medianMs > 0 ? (2 * Number(m.variant.macs)) / (m.medianMs * 1e6) : 0,
      macs: m.variant.macs.toString(),
      countedRatio: m.variant.dense ? null : countedRatio,
      measuredSpeedup: m.variant.dense ? null : measuredSpeedup,
      intensity: m.variant.intensity,
      explanation: explainSpeedup({ countedRatio, measuredSpeedup, intensity: m.variant.intensity, denseIntensity: dense?.variant.intensity ?? null, dense: m.variant.dense }),
      predictedOutput: m.variant.predictedOutput.map(String),
      producedOutput: m.produced.map(String),
    };
  });
}
