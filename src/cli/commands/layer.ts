import { parseLayerExpression } from '../../analysis/model/layerExpression';
import { ConvRecord, JsonValue, SeparableComparison, computeLayer, groupsTable, recordToJson, separableReplacement, toJson } from '../../core';
import { UsageError, parseArgs, parseShape } from '../args';
import { CliCommand, CliIo, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../command';
import { describe } from '../describe';

const USAGE = `Usage: conv-lens layer "<expression>" [--input N,C,...] [--json]

Describes one convolution layer: weight shape, output shape, parameters, MACs and FLOPs,
the same layer dense (groups=1) and at every valid groups value, and its
depthwise-separable replacement.

  <expression>   a PyTorch constructor call, e.g. "nn.Conv2d(512, 512, 3, padding=1, bias=False)"
  --input SHAPE  input shape, batched (N,C,H,W) or unbatched (C,H,W), e.g. 1,512,14,14
  --json         one JSON object with PyTorch's attribute names and exact integers

Counting: MACs are multiply-accumulates; FLOPs = 2 x MACs; bias additions are listed apart.
Exit codes: 0 ok, 1 PyTorch would raise (message on stderr), 2 usage error.`;

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
