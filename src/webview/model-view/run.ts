/**
 * The whole-model sandbox run, DOM-free: the worker's request (every conv of the model as
 * written and as transformed, on the input shapes the analysis found) and the table of what it
 * measured, each layer as written beside the layers that replace it, with why a measured speedup
 * falls short of the counted one.
 */
import { ratio } from '../../core';
import { WireModelLayer, WireWhatIf } from '../../protocol/modelView';
import { ModelRunLayerRequest, ModelRunLayerResult, ModelRunRequest, SandboxTiming } from '../../protocol/sandbox';
import { AGREEMENT_FACTOR, explainSpeedup } from '../../sandbox/explain';
import { big, replacing } from './data';

/** One warm-up, then the median of up to 7 samples, capped at 300 ms per layer: a whole model stays within a minute or so. */
export const MODEL_TIMING: SandboxTiming = { warmup: 1, repeats: 7, maxMsPerVariant: 300 };

export const WRITTEN = 'written:';
export const TRANSFORMED = 'what-if:';

function runnable(layer: WireModelLayer, prefix: string): ModelRunLayerRequest | null {
  if (!layer.spec || !layer.input || layer.reason !== null) return null;
  return { id: `${prefix}${layer.name}`, title: `${prefix === WRITTEN ? '' : 'what-if '}${layer.name}`, spec: layer.spec, input: layer.input };
}

/** Every conv whose spec and input shape are known, as written and (with a what-if) as transformed. */
export function modelRunRequest(written: readonly WireModelLayer[], whatIf: WireWhatIf | null, budgetMB: number, timing = MODEL_TIMING): ModelRunRequest {
  const layers = [
    ...written.map((l) => runnable(l, WRITTEN)),
    ...(whatIf ? whatIf.layers.map((l) => runnable(l, TRANSFORMED)) : []),
  ].filter((l): l is ModelRunLayerRequest => l !== null);
  return { layers, budgetBytes: budgetMB * 1024 * 1024, timing };
}

/** Layers the run leaves out, with why (their figures are not known). */
export function notRunnable(written: readonly WireModelLayer[]): Array<{ name: string; reason: string }> {
  return written.filter((l) => runnable(l, WRITTEN) === null).map((l) => ({ name: l.name, reason: l.reason ?? 'no input shape' }));
}

export interface RunRow {
  name: string;
  macsBefore: bigint | null;
  msBefore: number | null;
  gflopsBefore: number | null;
  macsAfter: bigint | null;
  msAfter: number | null;
  /** Counted MACs before / after, and measured time before / after. */
  counted: number | null;
  measured: number | null;
  /** Largest bytes one run of this layer (or one of its replacements) needed. */
  needBytes: number;
  /** Why the measured speedup falls short of the counted one, when it does. */
  shortfall: string | null;
  explanation: string | null;
  /** Why a part did not run (over the budget, not runnable). */
  skipped: string | null;
}

function timeOf(results: ReadonlyMap<string, ModelRunLayerResult>, ids: readonly string[]): { ms: number | null; skipped: string | null; need: number; intensity: number | null } {
  let ms = 0;
  let skipped: string | null = null;
  let need = 0;
  let intensity: number | null = null;
  for (const id of ids) {
    const r = results.get(id);
    if (!r) return { ms: null, skipped: null, need, intensity };
    need = Math.max(need, r.needBytes);
    if (r.medianMs === null) skipped ??= r.skipped;
    else ms += r.medianMs;
    intensity = intensity === null ? r.intensity : r.intensity === null ? intensity : Math.min(intensity, r.intensity);
  }
  return { ms: skipped ? null : ms, skipped, need, intensity };
}

/** What makes a transformed layer slower per MAC on this kernel: strided or dilated depthwise convs. */
function slowPath(after: readonly WireModelLayer[]): string | null {
  for (const l of after) {
    if (!l.spec || (l.kind !== 'depthwise' && l.kind !== 'depthwise_multiplier')) continue;
    const strided = l.spec.stride.some((s) => s !== '1');
    const dilated = l.spec.dilation.some((d) => d !== '1');
    if (strided || dilated) return `${strided ? `stride-${l.spec.stride[0]}` : 'dilated'} depthwise (${l.name}): each output reads inputs spread apart, so the kernel moves more memory per MAC than for a stride-1 depthwise conv`;
  }
  return null;
}

/** One row per conv as written, with its replacements' times when there is a what-if. */
export function runRows(written: readonly WireModelLayer[], whatIf: WireWhatIf | null, results: ReadonlyMap<string, ModelRunLayerResult>): RunRow[] {
  return written.map((layer) => {
    const before = timeOf(results, [`${WRITTEN}${layer.name}`]);
    const afterLayers = whatIf ? replacing(layer.name, whatIf.layers, whatIf.changes) : [];
    const after = whatIf ? timeOf(results, afterLayers.map((l) => `${TRANSFORMED}${l.name}`)) : { ms: null, skipped: null, need: 0, intensity: null };
    const macsBefore = big(layer.macs);
    const macsAfter = afterLayers.length > 0 && afterLayers.every((l) => l.macs !== null) ? afterLayers.reduce((s, l) => s + BigInt(l.macs!), 0n) : null;
    const counted = macsBefore !== null && macsAfter !== null && macsAfter > 0n ? ratio(macsBefore, macsAfter) : null;
    const measured = before.ms !== null && after.ms !== null && after.ms > 0 ? before.ms / after.ms : null;
    const changed = counted !== null && Math.abs(counted - 1) > 1e-9;
    const short = changed && measured !== null && measured < counted / AGREEMENT_FACTOR;
    const explanation = changed && measured !== null ? explainSpeedup({ countedRatio: counted, measuredSpeedup: measured, intensity: after.intensity, denseIntensity: before.intensity, dense: false }) : null;
    const gflops = results.get(`${WRITTEN}${layer.name}`)?.gflops ?? null;
    return {
      name: layer.name,
      macsBefore,
      msBefore: before.ms,
      gflopsBefore: gflops,
      macsAfter: whatIf ? macsAfter : null,
      msAfter: after.ms,
      counted: whatIf ? counted : null,
      measured,
      needBytes: Math.max(before.need, after.need),
      shortfall: short ? [slowPath(afterLayers), explanation].filter((x) => x !== null).join('. ') : null,
      explanation,
      skipped: before.skipped ?? after.skipped,
    };
  });
}

export interface RunTotals {
  msBefore: number | null;
  msAfter: number | null;
  macsBefore: bigint | null;
  macsAfter: bigint | null;
  /** Layers measured of those in the table. */
  measured: number;
}

/** Sums over the rows; a time is null unless every layer ran. */
export function runTotals(rows: readonly RunRow[], withWhatIf: boolean): RunTotals {
  const sumMs = (f: (r: RunRow) => number | null): number | null => (rows.every((r) => f(r) !== null) ? rows.reduce((s, r) => s + f(r)!, 0) : null);
  const sumMacs = (f: (r: RunRow) => bigint | null): bigint | null => (rows.every((r) => f(r) !== null) ? rows.reduce((s, r) => s + f(r)!, 0n) : null);
  return {
    msBefore: sumMs((r) => r.msBefore),
    msAfter: withWhatIf ? sumMs((r) => r.msAfter) : null,
    macsBefore: sumMacs((r) => r.macsBefore),
    macsAfter: withWhatIf ? sumMacs((r) => r.macsAfter) : null,
    measured: rows.filter((r) => r.msBefore !== null).length,
  };
}
