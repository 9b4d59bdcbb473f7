import { ConvSpec, formatFactor } from '../../core';
import { encodeSpec } from '../../protocol/compare';
import { CheckResult, DEFAULT_MEMORY_BUDGET_MB, SandboxRunRequest, SandboxTiming, SandboxVariantRequest, SimdFlavour, VariantResult } from '../../protocol/sandbox';

/** Two warm-ups, then the median of up to 9 runs, capped at 1.5 s of timed runs per column. */
export const DEFAULT_TIMING: SandboxTiming = { warmup: 2, repeats: 9, maxMsPerVariant: 1500 };

/** A column the page shows: the comparison's id, title and groups (null for the separable pair). */
export interface ShownVariant {
  id: string;
  title: string;
  groups: bigint | null;
}

/** Why the layer cannot run on the kernel, or null when it can. */
export function cannotRun(spec: ConvSpec): string | null {
  if (spec.padding_mode !== 'zeros') return `The sandbox kernel pads with zeros only; padding_mode='${spec.padding_mode}' cannot be run.`;
  return null;
}

/** The worker's request: every shown column, on the layer's input with a batch of 1 added when unbatched. */
export function runRequest(spec: ConvSpec, input: readonly bigint[], variants: readonly ShownVariant[], budgetMB = DEFAULT_MEMORY_BUDGET_MB, timing = DEFAULT_TIMING): SandboxRunRequest {
  const rank = spec.kernel_size.length;
  const batched = input.length === rank + 1 ? [1n, ...input] : [...input];
  const requests: SandboxVariantRequest[] = variants.map((v) => ({ id: v.id, title: v.title, groups: v.groups === null ? null : v.groups.toString() }));
  return { spec: encodeSpec(spec), input: batched.map(String), variants: requests, budgetBytes: budgetMB * 1024 * 1024, timing };
}

export const FLAVOUR_LABELS: Record<SimdFlavour, string> = {
  'relaxed-simd': 'relaxed SIMD (fused multiply-add)',
  simd: 'plain SIMD128',
};

/** The rows of the results table: label, optional unit, and one cell per column. */
export interface ResultRow {
  label: string;
  unit?: string;
  text?: boolean;
  cell(v: VariantResult): string;
}

const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const factor = (x: number | null): string => (x === null ? '—' : formatFactor(x));

export const RESULT_ROWS: ResultRow[] = [
  { label: 'Median time', unit: 'ms', cell: (v) => ms(v.medianMs) },
  { label: 'Timed runs', cell: (v) => String(v.runs) },
  { label: 'Achieved GFLOP/s', unit: '2 x MACs / median time', cell: (v) => v.gflops.toFixed(v.gflops >= 10 ? 1 : 2) },
  { label: 'Measured speedup vs dense', cell: (v) => factor(v.measuredSpeedup) },
  { label: 'Counted MAC ratio vs dense', cell: (v) => factor(v.countedRatio) },
  { label: 'Why', text: true, cell: (v) => v.explanation },
  { label: 'Output shape (run)', cell: (v) => v.producedOutput.join('x') },
  { label: 'Output shape (predicted)', cell: (v) => v.predictedOutput.join('x') },
];

/** One line for a check: passed/failed/skipped, with its max error against its tolerance. */
export function checkLine(c: CheckResult): string {
  if (c.skipped) return `Skipped: ${c.title} (${c.skipped})`;
  return `${c.passed ? 'Passed' : 'FAILED'}: ${c.title} on ${c.input.join('x')}; max error ${c.maxError.toExponential(2)} (tolerance ${c.tolerance.toExponential(1)})`;
}
