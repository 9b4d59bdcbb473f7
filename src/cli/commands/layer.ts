import { parseLayerExpression } from '../../analysis/layerExpression';
import {
  ConvRecord, JsonValue, KIND_LABELS, SeparableComparison, computeLayer, formatFactor, formatShape, groupsTable,
  humanize, humanizeBytes, recordToJson, separableReplacement, toJson, torchRepr, withCommas,
} from '../../core';
import { UsageError, parseArgs, parseShape } from '../args';
import { CliCommand, CliIo, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../command';
import { renderPairs, renderTable } from '../table';

const USAGE = `Usage: conv-lens layer "<expression>" [--input N,C,...] [--json]

Describes one convolution layer: weight shape, output shape, parameters, MACs and FLOPs,
the same layer dense (groups=1) and at every valid groups value, and its
depthwise-separable replacement.

  <expression>   a PyTorch constructor call, e.g. "nn.Conv2d(512, 512, 3, padding=1, bias=False)"
  --input SHAPE  input shape, batched (N,C,H,W) or unbatched (C,H,W), e.g. 1,512,14,14
  --json         one JSON object with PyTorch's attribute names and exact integers

Counting: MACs are multiply-accumulates; FLOPs = 2 x MACs; bias additions are listed apart.
Exit codes: 0 ok, 1 PyTorch would raise (message on stderr), 2 usage error.`;

/** Rows of the groups table shown in the terminal; --json always has all of them. */
const GROUPS_ROWS_SHOWN = 16;

export const layerCommand: CliCommand = {
  name: 'layer',
  summary: 'describe one conv layer: shapes, params, MACs, dense and grouped variants',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    let expression: string;
    let input: bigint[] | null;
    let json: boolean;
    try {
      const args = parseArgs(argv, { values: ['--input'], switches: ['--json'] });
      if (args.positional.length !== 1) throw new UsageError('expected exactly one layer expression');
      expression = args.positional[0];
      const shape = args.values.get('--input');
      input = shape === undefined ? null : parseShape(shape);
      json = args.switches.has('--json');
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io.err(`conv-lens layer: ${e.message}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    const parsed = parseLayerExpression(expression);
    if (!parsed.ok) {
      io.err(`${parsed.message}\n`);
      return EXIT_FINDINGS;
    }
    const record = computeLayer(parsed.spec, input);
    const separable = separableReplacement(parsed.spec, input);
    if (json) {
      io.out(`${toJson(layerJson(record, separable), 2)}\n`);
    } else {
      io.out(`${describe(record, separable)}\n`);
    }
    if (record.forward_error) {
      io.err(`${record.forward_error.message}\n`);
      return EXIT_FINDINGS;
    }
    return EXIT_OK;
  },
};

function layerJson(record: ConvRecord, separable: SeparableComparison | null): { [key: string]: JsonValue } {
  return {
    ...recordToJson(record),
    valid_groups: groupsTable(record).map((v) => ({ groups: v.groups, kind: v.kind, params: v.params, macs: v.macs })),
    valid_groups_complete: record.valid_groups_complete,
    separable: separable && {
      depthwise: { weight_shape: separable.depthwise.weight_shape, params: separable.depthwise.params, macs: separable.depthwise.macs, output_shape: separable.depthwise.output_shape },
      pointwise: { weight_shape: separable.pointwise.weight_shape, params: separable.pointwise.params, macs: separable.pointwise.macs, output_shape: separable.pointwise.output_shape },
      params: separable.params,
      macs: separable.macs,
      dense_params: separable.dense.params,
      dense_macs: separable.dense.macs,
      params_ratio: separable.params_ratio,
      macs_ratio: separable.macs_ratio,
      mobilenet_ratio: separable.mobilenet_ratio,
    },
  };
}

function count(value: bigint | null): string {
  if (value === null) return '? (give --input)';
  return value < 1000n ? withCommas(value) : `${withCommas(value)} (${humanize(value)})`;
}

function describe(record: ConvRecord, separable: SeparableComparison | null): string {
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
  const incomplete = record.valid_groups_complete ? '' : '\n  (channel counts too large to list every divisor)';
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
