import { decodeInts, decodeSpec } from '../protocol/compare';
import { ModelRunLayerRequest, ModelRunLayerResult, ModelRunRequest } from '../protocol/sandbox';
import { PreparedLayer } from '../kernel';
import { fitBudget } from './budget';
import { batchedInput, planVariants } from './layers';
import { SandboxEnvironment, prepareVariant } from './run';
import { timeRuns } from './timing';

/**
 * The model view's whole-model run: each conv on its own, in order, on random input of the shape
 * the analysis found; the memory budget applies to each layer alone (a layer-by-layer run holds
 * one layer's tensors at a time). A layer that does not fit, or that the kernel cannot run, is
 * reported as skipped with the reason, and the run goes on. Pure: kernel, clock and progress come in.
 */
export async function runModel(request: ModelRunRequest, env: SandboxEnvironment, done: (layer: ModelRunLayerResult) => void): Promise<void> {
  const total = request.layers.length;
  for (const [index, layer] of request.layers.entries()) {
    env.progress(index, total, `Running ${layer.title}`);
    done(await runOne(layer, request, env, index));
  }
  env.progress(total, total, 'Done');
}

async function runOne(layer: ModelRunLayerRequest, request: ModelRunRequest, env: SandboxEnvironment, index: number): Promise<ModelRunLayerResult> {
  const spec = decodeSpec(layer.spec);
  const input = batchedInput(spec, decodeInts(layer.input));
  const variants = [{ id: layer.id, title: layer.title, groups: spec.groups.toString() }];
  const skipped = (why: string, needBytes = 0, macs = '0', intensity: number | null = null): ModelRunLayerResult => ({ id: layer.id, medianMs: null, runs: 0, gflops: null, macs, intensity, needBytes, skipped: why });
  if (spec.padding_mode !== 'zeros') return skipped(`the kernel pads with zeros only (padding_mode='${spec.padding_mode}')`);
  const planned = planVariants(spec, input, variants);
  if (!planned.ok) return skipped(planned.message);
  const variant = planned.value[0];
  const fit = fitBudget(spec, input, variants, request.budgetBytes);
  if (!fit.fits) return skipped(fit.message, fit.needBytes, variant.macs.toString(), variant.intensity);
  const prepared: PreparedLayer[] = [];
  try {
    const ready = await prepareVariant(env, variant, request.budgetBytes, 5000 + index, prepared);
    const timed = timeRuns(ready.forward, request.timing, env.now);
    return {
      id: layer.id,
      medianMs: timed.medianMs,
      runs: timed.runs,
      gflops: timed.medianMs > 0 ? (2 * Number(variant.macs)) / (timed.medianMs * 1e6) : null,
      macs: variant.macs.toString(),
      intensity: variant.intensity,
      needBytes: fit.needBytes,
      skipped: null,
    };
  } catch (e) {
    return skipped(e instanceof Error ? e.message : String(e), fit.needBytes, variant.macs.toString(), variant.intensity);
  } finally {
    for (const p of prepared) p.dispose();
  }
}
