import * as assert from 'node:assert/strict';
import type { FileAnalysis, LayerInstance, ModelAnalysis } from '../../../src/analysis/types';
import { compilerLine, renderReport, ReportSubject } from '../../../src/report';
import { ConvArgs, buildConv, computeLayer, constructError } from '../../../src/core';
import { parseExactJson } from '../core/exact-json';

// The report formats on a FileAnalysis assembled from the real core (buildConv + computeLayer),
// so the formatting is checked apart from the engine that normally produces the analysis.

const range = (line: number, column: number) => ({ line, column, endLine: line, endColumn: column + 10 });

function layer(name: string, line: number, args: ConvArgs, input: bigint[]): LayerInstance {
  const built = buildConv(args);
  assert.ok(built.ok);
  return { name, type: args.type, range: range(line, 20), record: computeLayer(built.spec, input), error: null };
}

function subject(): ReportSubject {
  const depthwise = layer('dw', 5, { type: 'Conv2d', in_channels: 32n, out_channels: 32n, kernel_size: 3n, padding: 1n, groups: 32n, bias: false }, [1n, 32n, 32n, 32n]);
  const pointwise = layer('pw', 6, { type: 'Conv2d', in_channels: 32n, out_channels: 64n, kernel_size: 1n, bias: false }, [1n, 32n, 32n, 32n]);
  const broken: LayerInstance = { name: 'bad', type: 'Conv2d', range: range(7, 19), record: null, error: constructError('ValueError', 'in_channels must be divisible by groups', 'groups') };
  const model: ModelAnalysis = {
    entry: 'Net', range: range(3, 6), input: [1n, 32n, 32n, 32n], inputSource: 'comment',
    layers: [depthwise, pointwise, broken], modules: [],
    totals: { conv_layers: 3, conv_params: 288n + 2048n, conv_macs: null, params: 2336n },
    shapes: [], calls: [], separablePairs: [],
  };
  const analysis: FileAnalysis = {
    file: '/work/net.py', models: [model], declarations: [],
    diagnostics: [{ range: range(7, 19), severity: 'error', message: 'in_channels must be divisible by groups', source: 'construct' }],
    unresolved: [{ line: 9, column: 4, what: 'nin', why: 'parameter of f, no call site found' }],
  };
  return { file: 'net.py', analysis, model, args: '' };
}

describe('cli: report formats', () => {
  it('writes the golden JSON format with exact integers and PyTorch attribute names', () => {
    const json = parseExactJson(renderReport([subject()], 'json')) as Record<string, never>;
    const [dw, , bad] = json.layers as Array<Record<string, unknown>>;
    assert.deepEqual(
      { name: dw.name, line: dw.line, column: dw.column, groups: dw.groups, weight_shape: dw.weight_shape, params: dw.params, macs: dw.macs, dense_params: dw.dense_params, dense_macs: dw.dense_macs, kind: dw.kind, padding: dw.padding },
      { name: 'dw', line: 5n, column: 20n, groups: 32n, weight_shape: [32n, 1n, 3n, 3n], params: 288n, macs: 294912n, dense_params: 9216n, dense_macs: 9437184n, kind: 'depthwise', padding: [1n, 1n] },
    );
    assert.deepEqual([bad.params, bad.kind, (bad.error as Record<string, unknown>).message], [null, null, 'in_channels must be divisible by groups']);
    assert.deepEqual(json.diagnostics, [{ line: 7n, column: 19n, severity: 'error', message: 'in_channels must be divisible by groups', source: 'construct' }]);
    assert.deepEqual(json.totals, { conv_layers: 3n, conv_params: 2336n, conv_macs: null, params: 2336n });
  });

  it('shows unknown figures as ? in the table and lists problems with 1-based columns', () => {
    const text = renderReport([subject()], 'table');
    assert.match(text, /^net\.py: Net, input \[1, 32, 32, 32\] \(from comment\)/);
    assert.match(text, /dw\s+Conv2d\s+3x3\s+32\s+depthwise/);
    assert.match(text, /bad\s+Conv2d\s+\?\s+\?\s+error/);
    assert.match(text, /error: line 7:20: in_channels must be divisible by groups/);
    assert.match(text, /unresolved: line 9:5: nin: parameter of f/);
  });

  it('quotes CSV cells that hold commas and leaves unknown cells empty', () => {
    const rows = renderReport([subject()], 'csv').split('\n');
    assert.equal(rows.length, 4);
    assert.ok(rows[1].startsWith('net.py,Net,dw,Conv2d,5,20,32,32,3x3,1x1,1x1,1x1,32,false,depthwise,32x1x3x3,'), rows[1]);
    assert.ok(rows[3].endsWith(',in_channels must be divisible by groups'), rows[3]);
  });

  it('prints compiler-style lines', () => {
    const s = subject();
    assert.equal(compilerLine('net.py', s.analysis.diagnostics[0]), 'net.py:7:20: error: in_channels must be divisible by groups');
  });
});
