import { ConvArgs, ConvRecord, buildConv, computeLayer, separablePair } from '../../../src/core';
import { ConvDeclaration, FileAnalysis, LayerInstance, ModelAnalysis, SourceRange } from '../../../src/analysis/types';

/**
 * A small FileAnalysis assembled by hand from real core records, for testing how the editor
 * formats an analysis (the analysis engine itself is tested in test/unit/analysis).
 */
export function record(args: Omit<ConvArgs, 'type'> & { type?: ConvArgs['type'] }, input: bigint[] | null): ConvRecord {
  const built = buildConv({ type: 'Conv2d', ...args });
  if (!built.ok) throw new Error(built.error.message);
  return computeLayer(built.spec, input);
}

export function range(line: number, column: number, endLine: number, endColumn: number): SourceRange {
  return { line, column, endLine, endColumn };
}

export function sampleAnalysis(): FileAnalysis {
  const grouped = record({ in_channels: 64n, out_channels: 128n, kernel_size: 3n, padding: 1n, groups: 8n }, [1n, 64n, 32n, 32n]);
  const depthwise = record({ in_channels: 128n, out_channels: 128n, kernel_size: 3n, padding: 1n, groups: 128n, bias: false }, grouped.output_shape);
  const pointwise = record({ in_channels: 128n, out_channels: 256n, kernel_size: 1n }, depthwise.output_shape);
  const layers: LayerInstance[] = [
    { name: 'conv1', type: 'Conv2d', range: range(5, 21, 5, 58), record: grouped, error: null },
    { name: 'dw', type: 'Conv2d', range: range(6, 18, 6, 70), record: depthwise, error: null },
    { name: 'pw', type: 'Conv2d', range: range(7, 18, 7, 41), record: pointwise, error: null },
  ];
  const declarations: ConvDeclaration[] = layers.map((l) => ({
    type: l.type, range: l.range, calleeRange: { ...l.range, endColumn: l.range.column + 9 }, record: l.record, error: null, instances: [l.name],
  }));
  const sum = (f: (r: ConvRecord) => bigint): bigint => layers.reduce((a, l) => a + f(l.record!), 0n);
  const model: ModelAnalysis = {
    entry: 'Net',
    range: range(3, 6, 3, 9),
    input: [1n, 64n, 32n, 32n],
    inputSource: 'comment',
    layers,
    modules: layers.map((l) => ({ name: l.name, type: l.type, params: l.record!.params, range: l.range })),
    totals: { conv_layers: 3, conv_params: sum((r) => r.params), conv_macs: sum((r) => r.macs!), params: sum((r) => r.params) },
    shapes: [{ range: range(10, 8, 10, 28), label: 'out', input: [1n, 64n, 32n, 32n], shape: grouped.output_shape }],
    calls: [],
    separablePairs: [{ depthwise: 'dw', pointwise: 'pw', comparison: separablePair(depthwise, pointwise) }],
  };
  return { file: '/ws/net.py', models: [model], declarations, diagnostics: [], unresolved: [] };
}
