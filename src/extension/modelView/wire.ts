/**
 * The model view's data, built from the analysis's records (editor-free, so the browser test
 * host builds exactly what the extension sends). Every figure is read from a record or summed
 * from records by the core's recordTotals: nothing here counts a conv.
 */
import type { FileAnalysis, LayerInstance, ModelAnalysis } from '../../analysis/types';
import type { LayerChange, WhatIfPlan, WhatIfResult } from '../../analysis/whatif/types';
import { RecordSum, recordTotals } from '../../core';
import { encodeSpec } from '../../protocol/compare';
import { WireFigure, WireModel, WireModelLayer, WirePlan, WireTotals, WireWhatIf } from '../../protocol/modelView';
import { functionalText } from '../../report';

const wire = (v: bigint | null | undefined): string | null => (v === null || v === undefined ? null : v.toString());

/** Why a layer's figures are unknown, or null when its record holds them. */
export function layerReason(layer: LayerInstance): string | null {
  if (layer.error) return `PyTorch would raise ${layer.error.exception}: ${layer.error.message}`;
  if (!layer.record) return layer.symbolic?.reasons.length ? `Arguments not known: ${layer.symbolic.reasons.join('; ')}` : 'Arguments not known statically.';
  if (layer.record.forward_error) return `forward fails: ${layer.record.forward_error.message}`;
  if (layer.record.macs === null) return 'No input shape reaches this layer: set one with "Conv Lens: Set Input Shape…" or a `# conv-lens: input=(1, 3, 224, 224)` comment.';
  return null;
}

export function layerWire(layer: LayerInstance): WireModelLayer {
  const r = layer.record;
  return {
    name: layer.name,
    type: layer.type,
    kind: r ? r.kind : null,
    input: r?.input_shape ? r.input_shape.map(String) : null,
    output: r?.output_shape ? r.output_shape.map(String) : null,
    params: wire(r?.params),
    macs: wire(r?.macs),
    flops: wire(r?.flops),
    denseMacs: wire(r?.dense_macs),
    reason: layerReason(layer),
    line: layer.range.line,
    spec: r ? encodeSpec(r.spec) : null,
  };
}

function figure(sum: RecordSum, layers: readonly LayerInstance[], incomplete: string | undefined, what: string): WireFigure {
  if (incomplete) return { value: null, reason: `Unknown: ${incomplete}` };
  if (sum.value !== null) return { value: sum.value.toString(), reason: null };
  const first = layers.map(layerReason).find((r) => r !== null);
  return { value: null, reason: `Unknown: ${what} of ${sum.unknown} of ${layers.length} conv layers ${sum.unknown === 1 ? 'is' : 'are'} not known${first ? ` (${first})` : ''}.` };
}

/** The model's totals: conv figures summed from the records; params of every module from the analysis. */
export function totalsWire(model: ModelAnalysis): WireTotals {
  const sums = recordTotals(model.layers.map((l) => (l.error ? null : l.record)));
  const incomplete = model.totals.incomplete;
  const f = (sum: RecordSum, what: string): WireFigure => figure(sum, model.layers, incomplete, what);
  return {
    convLayers: model.layers.length,
    params: model.totals.params !== null ? { value: model.totals.params.toString(), reason: null } : { value: null, reason: `Unknown: ${incomplete ?? model.totals.params_unknown ?? 'a module\'s parameters are not known.'}` },
    convParams: f(sums.params, 'the parameters'),
    macs: f(sums.macs, 'the MACs'),
    flops: f(sums.flops, 'the FLOPs'),
    denseParams: f(sums.denseParams, 'the parameters'),
    denseMacs: f(sums.denseMacs, 'the MACs'),
    weightBytes: f(sums.weightBytes, 'the weights'),
    peakActivationBytes: f(sums.peakActivationBytes, 'the activations'),
  };
}

export function modelWire(analysis: FileAnalysis, model: ModelAnalysis, uri: string, label: string): WireModel {
  const notes = [
    ...(model.totals.incomplete ? [`Totals unknown: ${model.totals.incomplete}`] : []),
    ...(model.functionalConvs ? [sentence(functionalText(model)!)] : []),
    ...(model.input ? [] : ['No input shape: MACs and output shapes are unknown. Set one with "Conv Lens: Set Input Shape…" or a `# conv-lens: input=(1, 3, 224, 224)` comment.']),
    ...analysis.unresolved.slice(0, 20).map((u) => `Line ${u.line}: ${u.what} is not known (${u.why})`),
  ];
  return {
    uri,
    label,
    entry: model.entry,
    entries: analysis.models.map((m) => m.entry),
    input: model.input ? model.input.map(String) : null,
    inputSource: model.inputSource,
    totals: totalsWire(model),
    layers: model.layers.map(layerWire),
    modules: model.modules.map((m) => ({ name: m.name, type: m.type, params: wire(m.params) })),
    notes,
  };
}

function changeWire(c: LayerChange): WireWhatIf['changes'][number] {
  return {
    name: c.name,
    kind: c.kind,
    status: c.status,
    reason: c.reason ?? null,
    blocked: c.blocked === true,
    replacedBy: c.replacedBy ?? [],
    paramsBefore: wire(c.paramsBefore),
    paramsAfter: wire(c.paramsAfter),
    macsBefore: wire(c.macsBefore),
    macsAfter: wire(c.macsAfter),
  };
}

export function whatIfWire(result: WhatIfResult): WireWhatIf {
  return {
    totals: totalsWire(result.after),
    layers: result.after.layers.map(layerWire),
    changes: result.changes.map(changeWire),
    errors: result.errors.map((e) => `Line ${e.range.line}: ${e.message}`),
    notes: result.notes,
    edits: result.edits.length,
    applyTotals: {
      convLayers: result.applyTotals.conv_layers,
      convParams: wire(result.applyTotals.conv_params),
      macs: wire(result.applyTotals.conv_macs),
      params: wire(result.applyTotals.params),
    },
  };
}

/** The page's plan as the what-if engine takes it (the wire form has the same fields). */
export function planFromWire(plan: WirePlan): WhatIfPlan {
  return { transformations: plan.transformations.map((t) => ({ ...t })), excluded: { ...plan.excluded } };
}

/** The model at a 1-based line: the last model declared at or above it, else the first. */
export function modelAtLine(models: readonly ModelAnalysis[], line: number): ModelAnalysis | null {
  let best: ModelAnalysis | null = null;
  for (const m of models) if (m.range.line <= line && (!best || m.range.line > best.range.line)) best = m;
  return best ?? models[0] ?? null;
}

function sentence(text: string): string {
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}
