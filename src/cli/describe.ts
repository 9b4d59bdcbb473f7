import {
  ConvRecord, KIND_LABELS, SeparableComparison, formatFactor, formatShape, groupsTable, humanize, humanizeBytes, torchRepr, withCommas,
} from '../core';
import { renderPairs, renderTable } from './table';

// The plain-text description of one layer, shared by `conv-lens layer` and the editor's
// "Analyze Layer…" command. It uses no Node API, so the web extension can bundle it.

/** Rows of the groups table shown in the terminal; --json always has all of them. */
const GROUPS_ROWS_SHOWN = 16;

function count(value: bigint | null): string {
  if (value === null) return '? (give --input)';
  return value < 1000n ? withCommas(value) : `${withCommas(value)} (${humanize(value)})`;
}

export function describe(record: ConvRecord, separable: SeparableComparison | null): string {
  const fp32 = record.memory.fp32;
  const pairs: Array<[string, string]> = [
    ['kind', KIND_LABELS[record.kind]],
    ['weight shape', formatShape(record.weight_shape)],
    ['bias shape', record.bias_shape ? formatShape(record.bias_shape) : 'none'],
    ['input shape', formatShape(record.input_shape)],
    ['output shape', record.forward_error ? `error: ${record.forward_error.message}` : formatShape(record.output_shape)],
    ['params', count(record.params)],
    ['MACs', `${count(record.macs)}  multiply-accumulates`],
    ['FLOPs', `${count(record.flops)}  = 2 x MACs`],
    ['bias adds', count(record.bias_adds)],
    ['weight memory', `${humanizeBytes(fp32.weight_bytes)} (fp32)`],
  ];
  if (fp32.input_bytes !== null && fp32.output_bytes !== null) {
    pairs.push(['activations', `${humanizeBytes(fp32.input_bytes)} in + ${humanizeBytes(fp32.output_bytes)} out (fp32)`]);
  }
  if (fp32.arithmetic_intensity !== null) pairs.push(['intensity', `${fp32.arithmetic_intensity.toFixed(1)} FLOPs/byte (fp32)`]);
  const sections = [torchRepr(record.spec), renderPairs(pairs), '', groupsSection(record)];
  if (separable) sections.push('', separableSection(separable));
  return sections.join('\n');
}

function groupsSection(record: ConvRecord): string {
  const variants = groupsTable(record);
  const shown = variants.length > GROUPS_ROWS_SHOWN ? pickAround(variants, record.spec.groups) : variants;
  const rows = shown.map((v) => [
    `${v.groups}${v.groups === record.spec.groups ? ' *' : ''}`,
    KIND_LABELS[v.kind],
    withCommas(v.params),
    v.macs === null ? '?' : withCommas(v.macs),
    formatFactor(Number(v.groups)),
  ]);
  const title = record.spec.groups === 1n
    ? 'Grouped variants (* = this layer):'
    : `Grouped vs dense: groups=${record.spec.groups} has ${formatFactor(record.savings)} fewer weights and MACs than dense (${withCommas(record.weight_params)} vs ${withCommas(record.dense_weight_params)} weights).`;
  const more = shown.length < variants.length ? `\n  (${variants.length - shown.length} more valid groups values: --json lists them all)` : '';
  const incomplete = record.valid_groups_complete
    ? ''
    : record.valid_groups_count !== null
      ? `\n  (${withCommas(record.valid_groups_count)} valid groups values in all: 1, ${withCommas(record.valid_groups[record.valid_groups.length - 1])} and those nearest groups=${record.spec.groups} are listed)`
      : '\n  (channel counts too large to list every divisor)';
  return `${title}\n${renderTable(['groups', 'kind', 'params', 'MACs', 'weights vs dense'], rows, (i) => i !== 1)}${more}${incomplete}`;
}

function pickAround<T extends { groups: bigint }>(variants: T[], groups: bigint): T[] {
  const at = Math.max(0, variants.findIndex((v) => v.groups === groups));
  const start = Math.max(0, Math.min(at - GROUPS_ROWS_SHOWN / 2, variants.length - GROUPS_ROWS_SHOWN));
  return variants.slice(start, start + GROUPS_ROWS_SHOWN);
}

function separableSection(s: SeparableComparison): string {
  const k = s.depthwise.spec.kernel_size.join('x');
  const rows = [
    [`depthwise ${k}`, formatShape(s.depthwise.weight_shape), withCommas(s.depthwise.params), s.depthwise.macs === null ? '?' : withCommas(s.depthwise.macs)],
    ['pointwise 1x1', formatShape(s.pointwise.weight_shape), withCommas(s.pointwise.params), s.pointwise.macs === null ? '?' : withCommas(s.pointwise.macs)],
    ['total', '', withCommas(s.params), s.macs === null ? '?' : withCommas(s.macs)],
    [`dense ${k}`, formatShape(s.dense.weight_shape), withCommas(s.dense.params), s.dense.macs === null ? '?' : withCommas(s.dense.macs)],
  ];
  const macsRatio = s.macs_ratio === null ? '?' : s.macs_ratio.toFixed(4);
  return [
    `Depthwise-separable replacement (depthwise ${k} + pointwise 1x1) vs the dense ${k} conv:`,
    renderTable(['layer', 'weight shape', 'params', 'MACs'], rows, (i) => i >= 2),
    `  ratio to dense: params ${s.params_ratio.toFixed(4)}, MACs ${macsRatio}; MobileNet's 1/N + 1/k^2 = ${s.mobilenet_ratio.toFixed(4)}`,
  ].join('\n');
}
