import { AnalysisDiagnostic, FileAnalysis, INPUT_SOURCE_TEXT, LayerInstance, ModelAnalysis, Unresolved } from '../analysis/types';
import { JsonValue, formatFactor, formatShape, humanize, toJson, withCommas } from '../core';
import { csvCell } from './csv';
import { oneLine as safeLine } from '../extension/text/markdown';
import type { FlopDisplay } from '../extension/text/numbers';
import { MarkdownLink, reportMarkdown } from './markdown';
import { renderTable } from '../cli/table';
import { denseTotals } from './totals';
import { environmentText } from './environment';
import { functionalText } from './functional';

export { csvCell } from './csv';
export { denseTotals } from './totals';
export { environmentText } from './environment';
export { functionalText } from './functional';
export type { MarkdownLink } from './markdown';

// The one report of a FileAnalysis, for every surface (the CLI, the editor's preview and
// exports, the model view): a table for the terminal, JSON with exact integers (the format of
// test/fixtures/models/*.golden.json), CSV and Markdown. Pure: no Node, no vscode, no DOM.

export type ReportFormat = 'table' | 'json' | 'csv' | 'markdown';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'json', 'csv', 'markdown'];

/** What one report is about: a file as the user named it, and the model chosen in it. */
export interface ReportSubject {
  /** The file as shown to the user (relative to the working folder when it lies inside it). */
  file: string;
  analysis: FileAnalysis;
  model: ModelAnalysis;
  /** The --args text the model was built with ('' when none). */
  args: string;
}

type JsonObject = { [key: string]: JsonValue | undefined };

/** One model as the JSON object of the CLI format: layers, totals, diagnostics and unresolved names. */
export function reportJson(subject: ReportSubject): JsonObject {
  const { model, analysis } = subject;
  return {
    file: subject.file,
    entry: model.entry,
    args: subject.args,
    input: model.input,
    input_source: model.inputSource,
    layers: model.layers.map(layerJson),
    totals: {
      conv_layers: model.totals.conv_layers,
      conv_params: model.totals.conv_params,
      conv_macs: model.totals.conv_macs,
      params: model.totals.params,
      incomplete: model.totals.incomplete,
      params_unknown: model.totals.params_unknown,
      conv_macs_unknown: model.totals.conv_macs_unknown,
    },
    functional_convs: model.functionalConvs && {
      calls: model.functionalConvs.calls,
      macs: model.functionalConvs.macs,
      line: model.functionalConvs.line,
      complete: model.functionalConvs.complete,
    },
    diagnostics: analysis.diagnostics.map(diagnosticJson),
    unresolved: analysis.unresolved.map(unresolvedJson),
    environment: analysis.environment && {
      variables: analysis.environment.variables.map((v) => ({ name: v.name, set: v.set })),
      listed: analysis.environment.listed,
    },
  };
}


/**
 * A layer with PyTorch's attribute names. When the record is missing (unknown arguments or a
 * failed construction) the attribute fields are null, so every layer has the same keys.
 */
export function layerJson(layer: LayerInstance): JsonObject {
  const r = layer.record;
  const s = r?.spec;
  return {
    name: layer.name,
    type: layer.type,
    line: layer.range.line,
    column: layer.range.column,
    in_channels: s?.in_channels ?? null,
    out_channels: s?.out_channels ?? null,
    kernel_size: s?.kernel_size ?? null,
    stride: s?.stride ?? null,
    padding: s?.padding ?? null,
    dilation: s?.dilation ?? null,
    ...(s?.transposed ? { output_padding: s.output_padding } : {}),
    groups: s?.groups ?? null,
    bias: s?.bias ?? null,
    padding_mode: s?.padding_mode ?? null,
    weight_shape: r?.weight_shape ?? null,
    params: layer.moduleParams !== undefined ? layer.moduleParams : r?.params ?? null,
    macs: r?.macs ?? null,
    flops: r?.flops ?? null,
    bias_adds: r?.bias_adds ?? null,
    input_shape: r?.input_shape ?? null,
    output_shape: r?.output_shape ?? null,
    dense_params: r?.dense_params ?? null,
    dense_macs: r?.dense_macs ?? null,
    savings: r?.savings ?? null,
    kind: r?.kind ?? null,
    error: layer.error ? { phase: layer.error.phase, exception: layer.error.exception, message: layer.error.message } : null,
    symbolic: layer.symbolic ? { params: layer.symbolic.params ?? null, macs: layer.symbolic.macs ?? null, reasons: layer.symbolic.reasons } : undefined,
    note: layer.note,
  };
}

export function diagnosticJson(d: AnalysisDiagnostic): JsonObject {
  return { line: d.range.line, column: d.range.column, severity: d.severity, message: d.message, source: d.source };
}

function unresolvedJson(u: Unresolved): JsonObject {
  return { line: u.line, column: u.column, what: u.what, why: u.why };
}

/** How a surface wants the Markdown: its layer links (the preview has none) and its FLOP display. */
export interface RenderOptions {
  link?: MarkdownLink;
  flopDisplay?: FlopDisplay;
  /** The whole file, for Markdown's title and problems even when it holds no model (the editor's report). */
  whole?: { file: string; analysis: FileAnalysis };
}

/** The report in the chosen format; JSON of several models is an array of objects. */
export function renderReport(subjects: ReportSubject[], format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return toJson(subjects.length === 1 ? reportJson(subjects[0]) : subjects.map(reportJson), 2);
    case 'csv':
      return csvReport(subjects);
    case 'markdown':
      return reportMarkdown(subjects, options.flopDisplay ?? 'both', options.link ?? (() => null), options.whole);
    case 'table':
      return subjects.map(tableReport).join('\n\n');
  }
}

/** Every model of an analysed file as report subjects, the file named as the user sees it (as the CLI is given it). */
export function fileSubjects(analysis: FileAnalysis, file: string): ReportSubject[] {
  return analysis.models.map((model) => ({ file, analysis, model, args: '' }));
}

const COLUMNS = ['name', 'type', 'kernel', 'groups', 'kind', 'input shape', 'output shape', 'params', 'MACs', 'dense MACs', 'savings'];
/** Columns holding numbers, right-aligned in the terminal. */
const NUMERIC = new Set([3, 7, 8, 9, 10]);

/** Shows a text from the model file in one output format: one safe line, escaped for Markdown. */
type FileText = (text: string) => string;

/** One row per layer, in the terminal's short notation (humanized counts, '?' for unknown). */
function layerRow(layer: LayerInstance, count: (v: bigint | null) => string, text: FileText = oneLine): string[] {
  const r = layer.record;
  return [
    text(layer.name),
    text(layer.type),
    r ? r.spec.kernel_size.join('x') : '?',
    r ? r.spec.groups.toString() : '?',
    r ? r.kind : layer.error ? 'error' : '?',
    layer.note ? text(layer.note) : formatShape(r?.input_shape ?? null),
    r?.forward_error ? 'error' : layer.note ? '' : formatShape(r?.output_shape ?? null),
    r ? count(r.params) : text(layer.symbolic?.params ?? '?'),
    r ? count(r.macs) : text(layer.symbolic?.macs ?? '?'),
    count(r?.dense_macs ?? null),
    r && r.savings !== 1 ? formatFactor(r.savings) : '',
  ];
}

function shortCount(value: bigint | null): string {
  return value === null ? '?' : humanize(value);
}

/** A total: exact, or "unknown" (never a partial sum). */
function totalCount(value: bigint | null): string {
  return value === null ? 'unknown' : withCommas(value);
}

function exactCount(value: bigint | null): string {
  return value === null ? '?' : withCommas(value);
}

function heading(subject: ReportSubject, text: FileText = oneLine): string {
  const { model } = subject;
  const args = subject.args ? `(${subject.args})` : '';
  const input = model.input ? `input ${formatShape(model.input)}${model.inputSource ? ` (from ${INPUT_SOURCE_TEXT[model.inputSource]})` : ''}` : 'no input shape (give --input)';
  return `${text(subject.file)}: ${text(model.entry)}${text(args)}, ${input}`;
}

function totalsLines(subject: ReportSubject, text: FileText = oneLine): string[] {
  const t = subject.model.totals;
  const dense = denseTotals(subject.model).dense_macs;
  const unknown = subject.model.layers.filter((l) => l.record === null).length;
  const unknownNote = unknown > 0 && !t.incomplete ? ` (${unknown} layer${unknown === 1 ? '' : 's'} with unknown figures)` : '';
  const found = subject.model.layers.length;
  const lines = [
    ...(t.incomplete ? [`totals unknown: the model may hold layers the analysis could not see: ${text(oneLine(t.incomplete))}`] : []),
    `conv layers: ${t.conv_layers ?? (found === 0 ? 'unknown (none found)' : `unknown (≥ ${found} found)`)}`,
    `conv params: ${totalCount(t.conv_params)}${t.conv_params === null ? unknownNote : ''}`,
    `conv MACs:   ${totalCount(t.conv_macs)}${t.conv_macs !== null ? ` (${humanize(t.conv_macs)}; FLOPs = 2 x MACs = ${totalCount(denseTotals(subject.model).flops)})` : because(t.conv_macs_unknown, text)}`,
    `all params:  ${totalCount(t.params)}${t.params === null ? because(t.params_unknown, text) : ''}`,
  ];
  const functional = functionalText(subject.model);
  if (functional) lines.push(functional);
  if (dense !== null && t.conv_macs !== null && t.conv_macs > 0n && dense !== t.conv_macs) {
    lines.push(`dense-equivalent conv MACs (groups=1 everywhere): ${exactCount(dense)} (${formatFactor(Number(dense) / Number(t.conv_macs))} of the actual)`);
  }
  return lines;
}

/** " (why)" after an unknown total, or nothing when the reason is told elsewhere. */
function because(why: string | undefined, text: FileText): string {
  return why ? ` (${text(oneLine(why))})` : '';
}

function problemLines(subject: ReportSubject, text: FileText = oneLine): string[] {
  const { analysis } = subject;
  return [
    ...analysis.diagnostics.map((d) => `${d.severity}: line ${d.range.line}:${d.range.column + 1}: ${text(oneLine(d.message))}`),
    ...analysis.unresolved.map((u) => `unresolved: line ${u.line}:${u.column + 1}: ${text(unresolvedText(u))}`),
  ];
}

/** "nin: parameter of f, no call site found", without repeating the name when the reason starts with it. */
function unresolvedText(u: Unresolved): string {
  const why = oneLine(u.why);
  return why.startsWith(`${u.what}:`) ? why : `${oneLine(u.what)}: ${why}`;
}

function tableReport(subject: ReportSubject): string {
  const rows = subject.model.layers.map((l) => layerRow(l, shortCount));
  const table = rows.length > 0 ? renderTable(COLUMNS, rows, (i) => NUMERIC.has(i)) : '(no conv layers)';
  const environment = environmentText(subject.analysis);
  return [heading(subject), '', table, '', ...totalsLines(subject), ...(environment ? [environment] : []), ...withBlank(problemLines(subject))].join('\n');
}

function withBlank(lines: string[]): string[] {
  return lines.length > 0 ? ['', ...lines] : [];
}

const CSV_COLUMNS = [
  'file', 'entry', 'name', 'type', 'line', 'column', 'in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation',
  'groups', 'bias', 'kind', 'weight_shape', 'input_shape', 'output_shape', 'params', 'macs', 'dense_params', 'dense_macs', 'savings', 'error',
];

/** Exact integers, tuples as 3x3 style, one line per layer of every model. */
function csvReport(subjects: ReportSubject[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const subject of subjects) {
    for (const layer of subject.model.layers) {
      const json = layerJson(layer);
      const values: Record<string, JsonValue | undefined> = { ...json, file: subject.file, entry: subject.model.entry, error: layer.error?.message ?? layer.record?.forward_error?.message ?? null };
      lines.push(CSV_COLUMNS.map((c) => csvValue(values[c])).join(','));
    }
  }
  return lines.join('\n');
}

function csvValue(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return '';
  const text = Array.isArray(value) ? value.map((v) => String(v)).join('x') : typeof value === 'object' ? toJson(value) : String(value);
  return csvCell(text);
}

/**
 * `file:line:col: severity: message`, with a 1-based column as compilers print it. Multi-line
 * messages (PyTorch's overload listings) are joined into one line, so each diagnostic is one line.
 */
export function compilerLine(file: string, d: AnalysisDiagnostic): string {
  return `${file}:${d.range.line}:${d.range.column + 1}: ${d.severity}: ${oneLine(d.message)}`;
}

/**
 * One line, with control characters (a terminal's escape sequences among them) and bidirectional
 * overrides from the file shown as U+FFFD, so a name cannot drive the terminal.
 */
function oneLine(text: string): string {
  return safeLine(text.replace(/\s*\n\s*/g, ' ').trim(), Number.POSITIVE_INFINITY);
}
