import { KIND_LABELS, withCommas } from '../core';
import type { FileAnalysis, LayerInstance, ModelAnalysis, SourceRange } from '../analysis/types';
import { FlopDisplay, factor, shapeText } from '../extension/text/numbers';
import { mdLinkTarget, mdText } from '../extension/text/markdown';
import { denseTotals } from './totals';
import type { ReportSubject } from './index';
import { environmentText } from './environment';
import { functionalText } from './functional';

/** The target a layer's name links to (its line), or null for none (a preview follows no file links). */
export type MarkdownLink = (layer: { name: string; line: number; range: SourceRange }) => string | null;

const num = (v: bigint | null | undefined): string => (v === null || v === undefined ? '?' : withCommas(v));

/**
 * The report as a torchinfo-like Markdown table per model, with dense columns and totals read
 * from the records. Every text from the file is escaped (extension/text/markdown.ts): previews
 * render remote images and links, and a model file must not put any there.
 */
export function reportMarkdown(subjects: ReportSubject[], display: FlopDisplay, link: MarkdownLink, whole?: { file: string; analysis: FileAnalysis }): string {
  const file = whole?.file ?? subjects[0]?.file ?? '';
  const out = [`# Conv Lens report: ${mdText(file.slice(file.lastIndexOf('/') + 1))}`, ''];
  if (subjects.length === 0) out.push('No model (nn.Module subclass or factory) with conv layers was found in this file.', '');
  out.push(...summaryMarkdown(subjects.map((s) => s.model), display));
  for (const subject of subjects) out.push(...modelMarkdown(subject.model, display, link));
  const problems = new Map<string, string>();
  const analyses = whole ? [whole.analysis] : [...new Set(subjects.map((s) => s.analysis))];
  for (const analysis of analyses) {
    for (const d of analysis.diagnostics) problems.set(`${d.range.line}:${d.range.column}:${d.message}`, `- line ${d.range.line}: ${d.severity}: ${mdText(d.message, 1000)}`);
    for (const u of analysis.unresolved) problems.set(`${u.line}:${u.column}:${u.why}`, `- line ${u.line}: unknown: ${mdText(u.why.startsWith(`${u.what}:`) ? u.why : `${u.what}: ${u.why}`, 1000)}`);
  }
  for (const analysis of analyses) {
    const environment = environmentText(analysis, (name) => mdText(name, 200));
    if (environment) out.push(`${environment[0].toUpperCase()}${environment.slice(1)}.`, '');
  }
  if (problems.size > 0) out.push('## Problems', '', ...problems.values(), '');
  out.push('MACs are multiply-accumulates; FLOPs = 2 x MACs. "Dense" is the same layer with groups=1; savings = dense / this layer.');
  return out.join('\n');
}

function modelMarkdown(model: ModelAnalysis, display: FlopDisplay, link: MarkdownLink): string[] {
  const work = (macs: bigint | null, flops: bigint | null): string[] => (display === 'macs' ? [num(macs)] : display === 'flops' ? [num(flops)] : [num(macs), num(flops)]);
  const workHeads = display === 'macs' ? ['MACs'] : display === 'flops' ? ['FLOPs'] : ['MACs', 'FLOPs'];
  const header = ['Layer (type)', 'kind', 'output shape', 'params', ...workHeads, 'dense params', 'dense MACs', 'savings'];
  const lines = [
    `## ${mdText(model.entry)}`,
    '',
    inputLine(model),
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i < 3 ? '---' : '---:')).join('|')}|`,
  ];
  for (const layer of model.layers) lines.push(layerLine(layer, work, link));
  const t = model.totals;
  const dense = denseTotals(model);
  const savings = dense.dense_params !== null && t.conv_params !== null && t.conv_params > 0n ? factor(Number(dense.dense_params) / Number(t.conv_params)) : '?';
  const count = t.conv_layers === null ? `≥ ${model.layers.length} layers found` : `${t.conv_layers} layers`;
  lines.push(`| ${['**Total (conv)**', count, '', num(t.conv_params), ...work(t.conv_macs, dense.flops), num(dense.dense_params), num(dense.dense_macs), savings].join(' | ')} |`);
  lines.push('', `All parameters of ${mdText(model.entry)} (conv and the rest): ${num(t.params)}${t.params === null && t.params_unknown ? ` (${mdText(t.params_unknown, 1000)})` : ''}`, '');
  if (t.conv_macs === null && t.conv_macs_unknown) lines.push(`Conv MACs unknown: ${mdText(t.conv_macs_unknown, 1000)}`, '');
  const functional = functionalText(model);
  if (functional) lines.push(`${functional[0].toUpperCase()}${mdText(functional.slice(1), 1000)}.`, '');
  if (t.incomplete) lines.push(`**Totals unknown** ("?"): the model may hold layers the analysis could not see. ${mdText(t.incomplete, 1000)}`, '');
  return lines;
}

function layerLine(layer: LayerInstance, work: (macs: bigint | null, flops: bigint | null) => string[], link: MarkdownLink): string {
  const r = layer.record;
  const target = link({ name: layer.name, line: layer.range.line, range: layer.range });
  const name = `${target ? `[${mdText(layer.name)}](${mdLinkTarget(target)})` : mdText(layer.name)} (${mdText(layer.type)})`;
  const kind = r ? (layer.note ? `${KIND_LABELS[r.kind]}, ${layer.note}` : KIND_LABELS[r.kind]) : layer.symbolic ? 'symbolic' : 'unknown';
  const error = (layer.error ?? r?.forward_error)?.message;
  // Without spaces a shape does not wrap in a narrow preview: `[1,128,32,32]`.
  const output = error ? `error: ${mdText(error)}` : `\`${shapeText(r?.output_shape ?? null).replace(/, /g, ',')}\``;
  return `| ${[name, mdText(kind), output, num(r?.params), ...work(r?.macs ?? null, r?.flops ?? null), num(r?.dense_params), num(r?.dense_macs), r ? factor(r.savings) : '?'].join(' | ')} |`;
}

/** Where the shape came from, in the user's words; without one, how to give it. */
const INPUT_SOURCES: Record<NonNullable<ModelAnalysis['inputSource']>, string> = {
  option: 'set with Set Input Shape',
  comment: 'from the `# conv-lens: input=` comment',
  code: 'from the tensor the file feeds the model',
  default: 'from the convLens.defaultInputShape setting',
  pretrained_cfg: "from the model's pretrained config (`input_size`)",
};

function inputLine(model: ModelAnalysis): string {
  if (!model.input) return 'Input shape: none known, so shapes and MACs are "?": run **Conv Lens: Set Input Shape…**, or add `# conv-lens: input=(1, 3, 224, 224)` above the class.';
  return `Input shape: \`${shapeText(model.input)}\`${model.inputSource ? ` (${INPUT_SOURCES[model.inputSource]})` : ''}`;
}

/** One line per model, before the tables, when a file has several (torchvision's resnet.py has ten). */
function summaryMarkdown(models: ModelAnalysis[], display: FlopDisplay): string[] {
  if (models.length < 2) return [];
  const work = display === 'flops' ? 'FLOPs' : 'MACs';
  const lines = [`| Model | input | conv layers | params | ${work} |`, '|---|---|---:|---:|---:|'];
  for (const m of models) {
    const figure = display === 'flops' ? denseTotals(m).flops : m.totals.conv_macs;
    lines.push(`| ${mdText(m.entry)} | ${m.input ? `\`${shapeText(m.input)}\`` : 'none'} | ${m.totals.conv_layers ?? '?'} | ${num(m.totals.params)} | ${num(figure)} |`);
  }
  return ['## Summary', '', ...lines, ''];
}
