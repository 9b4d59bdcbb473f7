import { ConvRecord, withCommas } from '../../core';
import { ModelAnalysis } from '../../analysis/types';
import { FlopDisplay, factor, shapeText, short, workSummary } from './numbers';

/** The CodeLens title above a model class: its totals and input shape. */
export function modelLensTitle(model: ModelAnalysis, display: FlopDisplay): string {
  const t = model.totals;
  const params = t.params ?? t.conv_params;
  const input = model.input ? `input ${shapeText(model.input)}` : 'no input shape';
  return `${short(params)} params · ${workSummary(t.conv_macs, display)} · ${t.conv_layers} conv layer${t.conv_layers === 1 ? '' : 's'} · ${input}`;
}

/** The CodeLens title above a conv layer: params, work and what groups save against dense. */
export function layerLensTitle(record: ConvRecord, display: FlopDisplay): string {
  const parts = [`${withCommas(record.params)} params`];
  if (record.macs !== null) parts.push(workSummary(record.macs, display));
  if (record.spec.groups !== 1n) parts.push(`${factor(record.savings)} fewer than dense`);
  return parts.join(' · ');
}

/** The status bar text for a model. */
export function statusText(model: ModelAnalysis, display: FlopDisplay): string {
  const params = model.totals.params ?? model.totals.conv_params;
  return `${model.entry}: ${short(params)} params · ${workSummary(model.totals.conv_macs, display)}`;
}
