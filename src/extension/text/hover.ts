import { ConvError, ConvRecord, KIND_LABELS, SeparableComparison, humanizeBytes, torchRepr, withCommas } from '../../core';
import { ConvDeclaration, INPUT_SOURCE_TEXT, ModelAnalysis, ShapeNote } from '../../analysis/types';
import { DisplayOptions, exact, factor, shapeText, workSummary } from './numbers';
import { convLayerCount, unknownTotalsReason } from './lens';
import { mdCode, mdText } from './markdown';

/** Markdown links the hover offers; empty strings leave a link out. */
export interface HoverLinks {
  compare: string;
  report: string;
}

/** What the hover says about one conv declaration; every figure comes from the analysis's record. */
/**
 * A depthwise-separable comparison to show: an actual pair in the model, or the replacement a
 * dense kxk conv could have (what the "Convert to depthwise-separable" fix would give).
 */
export interface SeparableNote {
  comparison: SeparableComparison;
  proposed: boolean;
}

export function declarationHover(declaration: ConvDeclaration, separable: SeparableNote | null, links: HoverLinks, display: DisplayOptions): string {
  const { record, error, symbolic } = declaration;
  const parts = [`**${mdText(declaration.type)}**${record ? ` — ${KIND_LABELS[record.kind]}` : ''}`];
  if (error) parts.push(errorText(error));
  // The grouped-vs-dense and separable lines come first: they are what the hover is for, and a
  // tall hover scrolls.
  if (record) parts.push(groupsLine(record));
  if (separable) parts.push(separableText(separable.comparison, separable.proposed));
  if (record) parts.push(...recordSections(record, display));
  else if (symbolic) parts.push(symbolicSection(symbolic));
  if (declaration.instances.length > 1) parts.push(`Built ${declaration.instances.length} times: ${declaration.instances.slice(0, 6).map((n) => mdCode(n)).join(', ')}${declaration.instances.length > 6 ? ', …' : ''}`);
  const actions = [links.compare && `[Compare groups…](${links.compare})`, links.report && `[Report](${links.report})`].filter(Boolean);
  if (actions.length > 0) parts.push(actions.join(' · '));
  return parts.join('\n\n');
}

function errorText(error: ConvError): string {
  const when = error.phase === 'construct' ? 'PyTorch raises when building this layer' : 'PyTorch raises on the forward pass';
  return `$(error) ${when}:\n\n${mdCode(`${error.exception}: ${error.message}`)}`;
}

function recordSections(record: ConvRecord, display: DisplayOptions): string[] {
  const rows: Array<[string, string]> = [
    ['weight shape', `\`${shapeText(record.weight_shape)}\``],
    ['bias shape', record.bias_shape ? `\`${shapeText(record.bias_shape)}\`` : 'none'],
    ['input → output', record.input_shape ? `\`${shapeText(record.input_shape)}\` → \`${shapeText(record.output_shape)}\`` : '? (no input shape: use Set Input Shape)'],
    ['params', exact(record.params)],
  ];
  if (display.flopDisplay !== 'flops') rows.push(['MACs (multiply-accumulates)', record.macs === null ? '?' : exact(record.macs)]);
  if (display.flopDisplay !== 'macs') rows.push(['FLOPs = 2 x MACs', record.flops === null ? '?' : exact(record.flops)]);
  const memory = record.memory[display.dtype];
  rows.push([`weight memory (${display.dtype})`, humanizeBytes(memory.weight_bytes)]);
  if (memory.output_bytes !== null) rows.push([`output activations (${display.dtype})`, humanizeBytes(memory.output_bytes)]);
  const table = ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
  return [mdCode(torchRepr(record.spec)), table];
}

/** The grouped-vs-dense line; a dense layer says what its valid groups would save instead. */
export function groupsLine(record: ConvRecord): string {
  const g = record.spec.groups;
  if (g !== 1n) {
    return `groups=${g}: ${factor(record.savings)} fewer weights and MACs than dense (${withCommas(record.weight_params)} vs ${withCommas(record.dense_weight_params)} weights)`;
  }
  const others = record.valid_groups.filter((v) => v > 1n);
  if (others.length === 0) return 'groups=1 (dense): no other groups value is valid for these channel counts';
  const listed = others.slice(0, 8).join(', ') + (others.length > 8 || !record.valid_groups_complete ? ', …' : '');
  const count = !record.valid_groups_complete && record.valid_groups_count !== null ? ` (${withCommas(record.valid_groups_count)} in all)` : '';
  return `groups=1 (dense). Valid groups${count}: ${listed}; groups=g divides weights and MACs by g`;
}

/** A depthwise-separable pair against the single dense conv it replaces. */
export function separableText(s: SeparableComparison, proposed = false): string {
  const k = s.depthwise.spec.kernel_size.join('x');
  const what = proposed ? `As depthwise-separable (depthwise ${k} + pointwise 1x1), this layer would take` : `Depthwise-separable (depthwise ${k} + pointwise 1x1) vs one dense ${k} conv:`;
  const macs = s.macs !== null && s.dense.macs !== null ? `, ${withCommas(s.macs)} vs ${withCommas(s.dense.macs)} MACs` : '';
  const macsRatio = s.macs_ratio === null ? '' : `, MACs ${s.macs_ratio.toFixed(4)}`;
  return [
    `${what} ${withCommas(s.params)} vs ${withCommas(s.dense.params)} params${macs}.`,
    `Ratio to dense: params ${s.params_ratio.toFixed(4)}${macsRatio}; MobileNet's 1/N + 1/k² = ${s.mobilenet_ratio.toFixed(4)}.`,
  ].join('\n');
}

function symbolicSection(symbolic: NonNullable<ConvDeclaration['symbolic']>): string {
  const lines = [];
  if (symbolic.params) lines.push(`params = ${mdCode(symbolic.params)}`);
  if (symbolic.macs) lines.push(`MACs (multiply-accumulates) = ${mdCode(symbolic.macs)}`);
  if (lines.length === 0) lines.push('Figures unknown: an argument could not be evaluated.');
  const reasons = symbolic.reasons.map((r) => `- ${mdText(r)}`);
  return [...lines.map((l) => `${l}  `), ...(reasons.length ? ['', 'Why symbolic:', ...reasons] : [])].join('\n');
}

/** Hover on a model's name: its totals, its input and where that came from, or why totals are unknown. */
export function modelHover(model: ModelAnalysis, display: DisplayOptions, report: string): string {
  const t = model.totals;
  const count = (v: bigint | null): string => (v === null ? 'unknown' : exact(v));
  const lines = [
    `**${mdText(model.entry)}** — ${mdText(convLayerCount(model))}`,
    '',
    `params: ${count(t.params)}  `,
    `conv params: ${count(t.conv_params)}  `,
    `${mdText(workSummary(t.conv_macs, display.flopDisplay))}  `,
    model.input
      ? `input: \`${shapeText(model.input)}\`${model.inputSource ? ` (from ${mdText(INPUT_SOURCE_TEXT[model.inputSource])})` : ''}`
      : 'input: none known (Set Input Shape, or `# conv-lens: input=(...)` above it)',
  ];
  const why = unknownTotalsReason(model);
  if (why) lines.push('', mdText(why));
  if (report) lines.push('', `[Report](${report})`);
  return lines.join('\n');
}

/** Hover on a `self.layer(x)` call or an assignment in forward: input shape -> output shape. */
export function shapeNoteHover(note: ShapeNote): string {
  const input = note.input === undefined ? '' : `\`${shapeText(note.input)}\` → `;
  return `**${mdText(note.label)}**: ${input}\`${shapeText(note.shape)}\``;
}

/**
 * The module path of a `self.name(...)` call under the cursor, e.g. `stem` or `block.conv`
 * (the names `named_modules()` gives), or null when the cursor is not on such a call's callee.
 */
export function selfCallAt(lineText: string, column: number): string | null {
  const pattern = /\bself((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*\(/g;
  for (let m = pattern.exec(lineText); m; m = pattern.exec(lineText)) {
    const calleeEnd = m.index + 'self'.length + m[1].length;
    if (column >= m.index && column <= calleeEnd) return m[1].slice(1);
  }
  return null;
}

/** Hover on a `self.layer(x)` call: the layer's input and output shapes, from its record. */
export function layerCallHover(call: string, layer: { type: string; record: ConvRecord | null; error: ConvError | null }): string {
  const r = layer.record;
  if (!r) return `**${mdText(`self.${call}(…)`)}**: ${mdText(layer.type)}${layer.error ? ` — ${mdCode(layer.error.message)}` : ', shapes unknown'}`;
  const outcome = r.forward_error ? mdCode(r.forward_error.message) : `\`${shapeText(r.output_shape)}\``;
  return `**${mdText(`self.${call}(…)`)}**: \`${shapeText(r.input_shape)}\` → ${outcome}\n\n${mdText(layer.type)}, ${KIND_LABELS[r.kind]}, ${withCommas(r.params)} params`;
}
