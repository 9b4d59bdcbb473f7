import { JsonValue, KIND_LABELS, toJson, withCommas } from '../../core';
import { FileAnalysis, INPUT_SOURCE_TEXT, LayerInstance, ModelAnalysis, SourceRange } from '../../analysis/types';
import { FlopDisplay, factor, shapeText } from './numbers';
import { mdLinkTarget, mdText } from './markdown';
import { csvCell } from './csv';

/** One row of the per-layer table, read straight from the layer's record. */
export interface ReportRow {
  model: string;
  name: string;
  type: string;
  kind: string;
  line: number;
  range: SourceRange;
  input: bigint[] | null;
  output: bigint[] | null;
  params: bigint | null;
  macs: bigint | null;
  denseParams: bigint | null;
  denseMacs: bigint | null;
  /** Weights (and MACs) saved against the dense layer: exactly groups. */
  savings: number | null;
  error: string | null;
}

export function reportRows(model: ModelAnalysis): ReportRow[] {
  return model.layers.map((layer) => row(model.entry, layer));
}

function row(model: string, layer: LayerInstance): ReportRow {
  const r = layer.record;
  return {
    model,
    name: layer.name,
    type: layer.type,
    kind: r ? KIND_LABELS[r.kind] : layer.symbolic ? 'symbolic' : 'unknown',
    line: layer.range.line,
    range: layer.range,
    input: r?.input_shape ?? null,
    output: r?.output_shape ?? null,
    params: r?.params ?? null,
    macs: r?.macs ?? null,
    denseParams: r?.dense_params ?? null,
    denseMacs: r?.dense_macs ?? null,
    savings: r ? r.savings : null,
    error: (layer.error ?? r?.forward_error)?.message ?? null,
  };
}

/** Sums of a column, or null when any layer's figure is unknown (a partial sum would mislead). */
function total(rows: ReportRow[], pick: (r: ReportRow) => bigint | null): bigint | null {
  let sum = 0n;
  for (const r of rows) {
    const v = pick(r);
    if (v === null) return null;
    sum += v;
  }
  return sum;
}

const num = (v: bigint | null): string => (v === null ? '?' : withCommas(v));

/**
 * The report as Markdown; `link` gives the target a row's name links to (jump to the layer), or
 * null for none. Every text from the file is escaped (text/markdown.ts): the preview renders
 * remote images and links, and a model file must not put any there.
 */
export function reportMarkdown(analysis: FileAnalysis, display: FlopDisplay, link: (row: ReportRow) => string | null): string {
  const out = [`# Conv Lens report: ${mdText(baseName(analysis.file))}`, ''];
  if (analysis.models.length === 0) out.push('No model (nn.Module subclass or factory) with conv layers was found in this file.');
  for (const model of analysis.models) out.push(...modelMarkdown(model, display, link));
  if (analysis.diagnostics.length > 0) {
    out.push('## Problems', '');
    for (const d of analysis.diagnostics) out.push(`- line ${d.range.line}: ${d.severity}: ${mdText(d.message, 1000)}`);
    out.push('');
  }
  out.push('MACs are multiply-accumulates; FLOPs = 2 x MACs. "Dense" is the same layer with groups=1; savings = dense / this layer.');
  return out.join('\n');
}

function modelMarkdown(model: ModelAnalysis, display: FlopDisplay, link: (row: ReportRow) => string | null): string[] {
  const rows = reportRows(model);
  const work = (macs: bigint | null): string[] => (display === 'macs' ? [num(macs)] : display === 'flops' ? [num(macs === null ? null : macs * 2n)] : [num(macs), num(macs === null ? null : macs * 2n)]);
  const workHeads = display === 'macs' ? ['MACs'] : display === 'flops' ? ['FLOPs'] : ['MACs', 'FLOPs'];
  const header = ['Layer (type)', 'kind', 'output shape', 'params', ...workHeads, 'dense params', 'dense MACs', 'savings'];
  const lines = [
    `## ${mdText(model.entry)}`,
    '',
    `Input shape: \`${shapeText(model.input)}\`${model.inputSource ? ` (from ${mdText(INPUT_SOURCE_TEXT[model.inputSource])})` : ''}`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i < 3 ? '---' : '---:')).join('|')}|`,
  ];
  for (const r of rows) {
    const target = link(r);
    const name = `${target ? `[${mdText(r.name)}](${mdLinkTarget(target)})` : mdText(r.name)} (${mdText(r.type)})`;
    const output = r.error ? `error: ${mdText(r.error)}` : `\`${shapeText(r.output)}\``;
    const savings = r.savings === null ? '?' : factor(r.savings);
    lines.push(`| ${[name, mdText(r.kind), output, num(r.params), ...work(r.macs), num(r.denseParams), num(r.denseMacs), savings].join(' | ')} |`);
  }
  const t = model.totals;
  const denseParams = total(rows, (r) => r.denseParams);
  const denseMacs = total(rows, (r) => r.denseMacs);
  lines.push(`| ${['**Total (conv)**', t.conv_layers === null ? `≥ ${rows.length} layers found` : `${t.conv_layers} layers`, '', num(t.conv_params), ...work(t.conv_macs), num(denseParams), num(denseMacs), denseParams !== null && t.conv_params !== null && t.conv_params > 0n ? factor(Number(denseParams) / Number(t.conv_params)) : '?'].join(' | ')} |`);
  lines.push('', `All parameters of ${mdText(model.entry)} (conv and the rest): ${num(t.params)}`, '');
  if (t.incomplete) lines.push(`**Totals unknown** ("?"): the model may hold layers the analysis could not see. ${mdText(t.incomplete, 1000)}`, '');
  return lines;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

const CSV_HEADER = ['model', 'layer', 'type', 'kind', 'line', 'input_shape', 'output_shape', 'params', 'macs', 'flops', 'dense_params', 'dense_macs', 'savings', 'error'];

/** One line per conv layer of every model; shapes as "1x3x224x224"; unknown figures empty. */
export function reportCsv(analysis: FileAnalysis): string {
  const lines = [CSV_HEADER.join(',')];
  for (const model of analysis.models) {
    for (const r of reportRows(model)) {
      const cells = [
        r.model, r.name, r.type, r.kind, String(r.line), r.input?.join('x') ?? '', r.output?.join('x') ?? '',
        r.params?.toString() ?? '', r.macs?.toString() ?? '', r.macs === null ? '' : (r.macs * 2n).toString(),
        r.denseParams?.toString() ?? '', r.denseMacs?.toString() ?? '', r.savings === null ? '' : String(r.savings), r.error ?? '',
      ];
      lines.push(cells.map(csvCell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}


/** The report as JSON with exact integers (bigints written as JSON integers). */
export function reportJson(analysis: FileAnalysis): string {
  const models: JsonValue[] = analysis.models.map((model) => ({
    entry: model.entry,
    input_shape: model.input,
    input_source: model.inputSource,
    totals: { ...model.totals },
    layers: reportRows(model).map((r) => ({
      name: r.name, type: r.type, kind: r.kind, line: r.line, input_shape: r.input, output_shape: r.output,
      params: r.params, macs: r.macs, flops: r.macs === null ? null : r.macs * 2n,
      dense_params: r.denseParams, dense_macs: r.denseMacs, savings: r.savings, error: r.error,
    })),
  }));
  return `${toJson({ file: analysis.file, models }, 2)}\n`;
}
