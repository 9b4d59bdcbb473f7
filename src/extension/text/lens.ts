import { ConvRecord, humanize, withCommas } from '../../core';
import { ModelAnalysis } from '../../analysis/types';
import { FlopDisplay, factor, shapeText, short, spanOf, workSummary } from './numbers';
import { labelText, oneLine } from './markdown';

/** The CodeLens title above a model class: its totals and input shape. */
export function modelLensTitle(model: ModelAnalysis, display: FlopDisplay): string {
  const t = model.totals;
  const input = model.input ? `input ${shapeText(model.input)}${model.inputSource === 'pretrained_cfg' ? ' (pretrained config)' : ''}` : 'no input shape';
  return `${modelParams(model)} · ${workSummary(t.conv_macs, display)} · ${convLayerCount(model)} · ${input}`;
}

/** "12 conv layers"; when the tree may lack layers, the layers found, labelled as a lower bound. */
export function convLayerCount(model: ModelAnalysis): string {
  const n = model.totals.conv_layers;
  if (n === null) return model.layers.length === 0 ? 'conv layers unknown (none found)' : `≥ ${model.layers.length} conv layers found (total unknown)`;
  return `${n} conv layer${n === 1 ? '' : 's'}`;
}

/** Why a model's totals are unknown, for tooltips; null when they are known. */
export function unknownTotalsReason(model: ModelAnalysis): string | null {
  const t = model.totals;
  if (t.incomplete) return `Totals unknown: ${oneLine(t.incomplete)}`;
  const reasons = [
    t.conv_macs === null && t.conv_macs_unknown ? `MACs unknown: ${t.conv_macs_unknown}` : '',
    t.params === null && t.params_unknown ? `Params unknown: ${t.params_unknown}` : '',
  ].filter(Boolean);
  return reasons.length ? oneLine(reasons.join('. ')) : null;
}

/** The CodeLens title above a conv declaration PyTorch refuses, or whose figures are symbolic. */
export function unknownLayerLensTitle(error: { message: string } | null, symbolicParams: string | null | undefined): string | undefined {
  if (error) return `PyTorch raises: ${labelText(error.message)}`;
  return symbolicParams ? `params = ${labelText(symbolicParams)}` : undefined;
}

/** The CodeLens title above a conv layer: params, work and what groups save against dense. */
export function layerLensTitle(record: ConvRecord, display: FlopDisplay): string {
  const parts = [`${withCommas(record.params)} params`];
  if (record.macs !== null) parts.push(workSummary(record.macs, display));
  if (record.spec.groups !== 1n) parts.push(`${factor(record.savings)} fewer than dense`);
  return parts.join(' · ');
}

/**
 * "45.3K params": every parameter when known, else the conv layers' when every one of them is
 * known; a symbolic layer (unknown channels) makes the total unknown rather than too small.
 */
function modelParams(model: ModelAnalysis): string {
  if (model.totals.params !== null) return `${short(model.totals.params)} params`;
  if (model.totals.incomplete) return 'params unknown: layers may be missing (see Report)';
  if (model.totals.conv_params !== null) return `${short(model.totals.conv_params)} conv params`;
  // A layer PyTorch refuses to build leaves no total to give: point at the error, not at symbols.
  if (model.layers.some((l) => l.error?.phase === 'construct')) return 'does not build (see Problems)';
  return 'params symbolic (see hovers)';
}

/** The status bar text for a model. */
export function statusText(model: ModelAnalysis, display: FlopDisplay): string {
  return `${labelText(model.entry)}: ${modelParams(model)} · ${workSummary(model.totals.conv_macs, display)}`;
}

/** The CodeLens title above a call that builds layers declared in another file. */
export function siteLensTitle(layers: ReadonlyArray<{ layer: { name: string; record: ConvRecord | null } }>, display: FlopDisplay): string {
  const known = layers.map((l) => l.layer.record);
  const params = known.every((r) => r) ? known.reduce((a, r) => a + r!.params, 0n) : null;
  const macs = known.every((r) => r && r.macs !== null) ? known.reduce((a, r) => a + r!.macs!, 0n) : null;
  const names = layers.length === 1 ? labelText(layers[0].layer.name) : `${layers.length} conv layers`;
  return `${names}: ${params === null ? '?' : withCommas(params)} params · ${workSummary(macs, display)}`;
}

/** The CodeLens title above a declaration built several times: "66 uses · 36.9K–2.36M params · 57.8M–116M MACs". */
export function usesLensTitle(records: ReadonlyArray<ConvRecord | null>, display: FlopDisplay): string {
  const parts = [`${records.length} uses`, `${spanOf(records.map((r) => r?.params ?? null), humanize)} params`];
  if (display === 'flops') parts.push(`${spanOf(records.map((r) => r?.flops ?? null), humanize)} FLOPs`);
  else parts.push(`${spanOf(records.map((r) => r?.macs ?? null), humanize)} MACs`);
  return parts.join(' · ');
}
