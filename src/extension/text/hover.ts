import { ConvError, ConvRecord, FEW_INPUT_CHANNELS, KIND_LABELS, SeparableComparison, humanize, humanizeBytes, torchRepr, withCommas } from '../../core';
import { ConvDeclaration, ForwardCall, INPUT_SOURCE_TEXT, ModelAnalysis, ShapeNote } from '../../analysis/types';
import { DisplayOptions, exact, factor, shapeText, spanOf, workSummary } from './numbers';
import { convLayerCount, unknownTotalsReason } from './lens';
import { mdCode, mdText } from './markdown';

/** Markdown links the hover offers; empty strings leave a link out. */
export interface HoverLinks {
  compare: string;
  report: string;
}

/**
 * A depthwise-separable comparison to show: an actual pair in the model, or the replacement a
 * dense kxk conv could have (what the "Convert to depthwise-separable" fix would give).
 */
export interface SeparableNote {
  comparison: SeparableComparison;
  proposed: boolean;
}

/** One layer a declaration built, in a model of the file (a helper may build many). */
export interface LayerUse {
  name: string;
  model: string;
  record: ConvRecord | null;
}

/** What the hover needs besides the declaration: where it is used, and why its shapes may be missing. */
export interface HoverContext {
  uses?: readonly LayerUse[];
  /** Why no input reached the layer when the file fails elsewhere, e.g. "not reached: the model fails at line 23". */
  notReached?: string | null;
  /** PyTorch's message with the figures behind it (fixes.ts diagnosticText), for a layer PyTorch refuses. */
  problem?: string | null;
}

/** Uses listed in a hover before "…and N more": enough to see the pattern, short enough not to scroll. */
const USES_LISTED = 6;

/**
 * What the hover says about one conv declaration; every figure comes from the analysis's record.
 * It leads with one line of figures (a hover box shows about ten lines before it scrolls), then
 * what PyTorch says, the layer as PyTorch prints it with its exact counts, and advice only for
 * the layers it applies to.
 */
export function declarationHover(declaration: ConvDeclaration, separable: SeparableNote | null, links: HoverLinks, display: DisplayOptions, context: HoverContext = {}): string {
  const { record, error, symbolic } = declaration;
  const uses = context.uses ?? [];
  const reused = uses.length > 1;
  const parts: string[] = [];
  const alike = reused && record !== null && uses.every((u) => u.record && torchRepr(u.record.spec) === torchRepr(record.spec) && shapeText(u.record.input_shape) === shapeText(record.input_shape));
  if (alike || (!reused && record)) parts.push(figuresLine(record!, display, context.notReached ?? null) + (alike ? ` · ${usesCount(uses)}` : ''));
  else if (reused) parts.push(usesLine(uses, display));
  if (error) parts.push(errorText(context.problem && error.phase === 'construct' ? { ...error, message: context.problem } : error));
  const sameSpec = !reused || uses.every((u) => u.record && record && torchRepr(u.record.spec) === torchRepr(record.spec));
  const title = `**${mdText(declaration.type)}**${record && sameSpec ? `, ${KIND_LABELS[record.kind]}` : ''}`;
  if (record && sameSpec) parts.push(`${title}: ${mdCode(torchRepr(record.spec))}`, detailsLine(record, display));
  else parts.push(title);
  if (reused) parts.push(alike ? usedAs(uses) : usesList(uses, display));
  if (!record && symbolic) parts.push(symbolicSection(symbolic));
  if (!record && !symbolic && !error && context.notReached) parts.push(mdText(context.notReached));
  const advice = record && sameSpec ? adviceFor(record, separable) : [];
  parts.push(...advice);
  const actions = [links.compare && `[Compare groups…](${links.compare})`, links.report && `[Report](${links.report})`].filter(Boolean);
  if (actions.length > 0) parts.push(actions.join(' · '));
  return parts.join('\n\n');
}

/**
 * The hover's first line: `[1, 64, 112, 112] → [1, 64, 56, 56] · 576 params · 1.81M MACs (3.61M
 * FLOPs) · groups=64: 64x fewer than dense`. Without an input shape it says why.
 */
export function figuresLine(record: ConvRecord, display: DisplayOptions, notReached: string | null): string {
  const parts = [shapesText(record, notReached), `${withCommas(record.params)} params`];
  if (record.input_shape && !record.forward_error) parts.push(workSummary(record.macs, display.flopDisplay));
  if (record.spec.groups !== 1n) parts.push(`groups=${record.spec.groups}: ${record.spec.groups}x fewer than dense`);
  return parts.join(' · ');
}

function shapesText(record: ConvRecord, notReached: string | null): string {
  if (!record.input_shape) return notReached ? `shapes unknown (${mdText(notReached)})` : 'shapes unknown (no input shape: use Set Input Shape)';
  const output = record.forward_error ? 'PyTorch raises (below)' : `\`${shapeText(record.output_shape)}\``;
  return `\`${shapeText(record.input_shape)}\` → ${output}`;
}

/** The exact counts and shapes behind the first line, on one line. */
function detailsLine(record: ConvRecord, display: DisplayOptions): string {
  const parts = [`weight \`${shapeText(record.weight_shape)}\``, `bias ${record.bias_shape ? `\`${shapeText(record.bias_shape)}\`` : 'none'}`];
  if (record.macs !== null && display.flopDisplay !== 'flops') parts.push(`${withCommas(record.macs)} MACs`);
  if (record.flops !== null && display.flopDisplay !== 'macs') parts.push(`${withCommas(record.flops)} FLOPs (2 x MACs)`);
  const memory = record.memory[display.dtype];
  const output = memory.output_bytes !== null ? `, output ${humanizeBytes(memory.output_bytes)}` : '';
  parts.push(`${display.dtype}: weights ${humanizeBytes(memory.weight_bytes)}${output}`);
  return parts.join(' · ');
}

function errorText(error: ConvError): string {
  const when = error.phase === 'construct' ? 'PyTorch raises when building this layer' : 'PyTorch raises on the forward pass';
  return `$(error) ${when}: ${mdCode(`${error.exception}: ${error.message}`)}`;
}

/** Advice on groups and depthwise-separable, only for layers it applies to. */
function adviceFor(record: ConvRecord, separable: SeparableNote | null): string[] {
  const out: string[] = [];
  if (record.spec.groups !== 1n) out.push(groupsLine(record));
  else if (record.spec.in_channels >= FEW_INPUT_CHANNELS) {
    const line = groupsLine(record);
    if (!line.includes('no other groups value')) out.push(line);
  }
  // A proposed replacement comes only for layers separableAdvised accepts (AnalysisIndex.separableNote).
  if (separable) out.push(separableText(separable.comparison, separable.proposed));
  return out;
}

/** "66 uses in 2 models · 36,864–2,359,296 params · 57.8M–116M MACs": what a reused declaration builds. */
function usesLine(uses: readonly LayerUse[], display: DisplayOptions): string {
  const parts = [usesCount(uses)];
  const records = uses.map((u) => u.record);
  parts.push(`${spanOf(records.map((r) => r?.params ?? null), withCommas)} params`);
  const macs = spanOf(records.map((r) => r?.macs ?? null), humanize);
  if (display.flopDisplay === 'flops') parts.push(`${spanOf(records.map((r) => r?.flops ?? null), humanize)} FLOPs`);
  else parts.push(`${macs} MACs`);
  return parts.join(' · ');
}

/** "10 uses in 10 models", or "8 uses" within one model. */
function usesCount(uses: readonly LayerUse[]): string {
  const models = new Set(uses.map((u) => u.model)).size;
  return `${uses.length} uses${models > 1 ? ` in ${models} models` : ''}`;
}

/** The names of uses that are all the same layer: "Used as `conv1` in 10 models", "Used as `a`, `b`, …". */
function usedAs(uses: readonly LayerUse[]): string {
  const names = [...new Set(uses.map((u) => u.name))];
  const models = new Set(uses.map((u) => u.model)).size;
  const listed = names.slice(0, USES_LISTED).map((n) => mdCode(n)).join(', ') + (names.length > USES_LISTED ? ', …' : '');
  return `Used as ${listed}${models > 1 ? ` in ${models} models` : ''}`;
}

/**
 * The uses, one row per distinct layer (same arguments and input): how many uses it has, the
 * first one's name, its shapes and figures. A stem repeated across ten models is one row.
 */
function usesList(uses: readonly LayerUse[], display: DisplayOptions): string {
  const models = new Set(uses.map((u) => u.model)).size;
  const groups = new Map<string, LayerUse[]>();
  for (const u of uses) {
    const key = u.record ? `${torchRepr(u.record.spec)}|${shapeText(u.record.input_shape)}` : `?${u.name}`;
    const list = groups.get(key);
    if (list) list.push(u);
    else groups.set(key, [u]);
  }
  const distinct = [...groups.values()];
  const rows = distinct.slice(0, USES_LISTED).map((same) => {
    const u = same[0];
    const where = `${mdCode(u.name)}${models > 1 ? ` (${mdText(u.model)})` : ''}${same.length > 1 ? ` and ${same.length - 1} more like it` : ''}`;
    const r = u.record;
    if (!r) return `- ${where}: figures unknown`;
    const shapes = r.input_shape ? `\`${shapeText(r.input_shape)}\` → \`${shapeText(r.output_shape)}\` · ` : '';
    return `- ${where}: ${shapes}${withCommas(r.params)} params${r.macs !== null ? ` · ${workSummary(r.macs, display.flopDisplay)}` : ''}`;
  });
  if (distinct.length > USES_LISTED) rows.push(`- …and ${distinct.length - USES_LISTED} more distinct layers (see the report)`);
  return rows.join('\n');
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

/**
 * Hover on a module call in forward (`self.conv1(x)` in a block's forward): the module that call
 * actually ran, with that call's shapes (what the inlay hint on the line shows), then its figures.
 */
export function forwardCallHover(call: ForwardCall, model: string, otherModels: number, layer: { record: ConvRecord | null; error: ConvError | null } | null, display: DisplayOptions): string {
  const input = call.input ? `\`${shapeText(call.input)}\`` : '?';
  const output = call.output === undefined ? 'PyTorch raises here' : `\`${shapeText(call.output)}\``;
  const first = [`${input} → ${output}`];
  const r = layer?.record;
  if (r) {
    first.push(`${withCommas(r.params)} params`);
    if (r.macs !== null) first.push(workSummary(r.macs, display.flopDisplay));
    if (r.spec.groups !== 1n) first.push(`groups=${r.spec.groups}: ${r.spec.groups}x fewer than dense`);
  }
  const runs = otherModels > 0 ? ` (first run; ${otherModels} other model${otherModels === 1 ? '' : 's'} also run this line)` : '';
  const who = `${mdCode(call.module)}: ${mdText(call.type)}${r ? `, ${KIND_LABELS[r.kind]}` : ''}, in ${mdText(model)}${runs}`;
  const parts = [first.join(' · '), who];
  if (r) parts.push(mdCode(torchRepr(r.spec)));
  if (layer?.error) parts.push(errorText(layer.error));
  return parts.join('\n\n');
}
