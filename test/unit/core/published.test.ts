import * as assert from 'node:assert/strict';
import { ConvArgs, ConvSpec, buildConv, computeLayer, separableReplacement } from '../../../src/core';

// Numbers published by others (reference-facts.md), checked against the core.

function build(args: ConvArgs): ConvSpec {
  const built = buildConv(args);
  assert.ok(built.ok, built.ok ? '' : built.error.message);
  return built.spec;
}

describe('core: MobileNet v1 Table 3 (D_K=3, M=N=512, D_F=14, no bias)', () => {
  const dense = build({ type: 'Conv2d', in_channels: 512n, out_channels: 512n, kernel_size: 3n, padding: 1n, bias: false });
  const input = [1n, 512n, 14n, 14n];
  const comparison = separableReplacement(dense, input);

  it('dense 3x3 512->512 on 14x14: 2,359,296 params, 462,422,016 MACs', () => {
    const record = computeLayer(dense, input);
    assert.equal(record.params, 2_359_296n);
    assert.equal(record.macs, 462_422_016n);
    assert.deepEqual(record.output_shape, [1n, 512n, 14n, 14n]);
  });

  it('depthwise 3x3: 4,608 params, 903,168 MACs', () => {
    assert.ok(comparison);
    assert.equal(comparison.depthwise.params, 4_608n);
    assert.equal(comparison.depthwise.macs, 903_168n);
    assert.equal(comparison.depthwise.kind, 'depthwise');
  });

  it('pointwise 1x1: 262,144 params, 51,380,224 MACs', () => {
    assert.ok(comparison);
    assert.equal(comparison.pointwise.params, 262_144n);
    assert.equal(comparison.pointwise.macs, 51_380_224n);
    assert.equal(comparison.pointwise.kind, 'pointwise');
  });

  it('depthwise separable total: 266,752 params, 52,283,392 MACs, ratio 1/512 + 1/9 = 0.1131', () => {
    assert.ok(comparison);
    assert.equal(comparison.params, 266_752n);
    assert.equal(comparison.macs, 52_283_392n);
    assert.equal(comparison.dense.macs, 462_422_016n);
    assert.equal(comparison.mobilenet_ratio, 1 / 512 + 1 / 9);
    assert.ok(comparison.macs_ratio !== null && Math.abs(comparison.macs_ratio - (1 / 512 + 1 / 9)) < 1e-15);
    assert.ok(Math.abs(comparison.params_ratio - (1 / 512 + 1 / 9)) < 1e-15);
    assert.equal(comparison.macs_ratio.toFixed(4), '0.1131');
  });
});

describe("core: torchinfo's grouped-conv test", () => {
  it('Conv2d(16, 32, 3, groups=4) on [7, 16, 28, 28] -> [7, 32, 26, 26], 1,184 params, MACs + bias adds = 5,602,688', () => {
    const record = computeLayer(build({ type: 'Conv2d', in_channels: 16n, out_channels: 32n, kernel_size: 3n, groups: 4n }), [7n, 16n, 28n, 28n]);
    assert.deepEqual(record.output_shape, [7n, 32n, 26n, 26n]);
    assert.equal(record.params, 1_184n);
    assert.equal(record.macs, 5_451_264n);
    assert.equal(record.bias_adds, 151_424n);
    assert.equal((record.macs ?? 0n) + (record.bias_adds ?? 0n), 5_602_688n);
    assert.equal(record.kind, 'grouped');
  });
});

describe('core: grouped transposed conv, counted on its input', () => {
  it('ConvTranspose2d(64, 32, 4, stride=2, padding=1, groups=8) on 1x64x16x16 -> 1x32x32x32, 4,128 params, 1,048,576 MACs', () => {
    const spec = build({ type: 'ConvTranspose2d', in_channels: 64n, out_channels: 32n, kernel_size: 4n, stride: 2n, padding: 1n, groups: 8n });
    const record = computeLayer(spec, [1n, 64n, 16n, 16n]);
    assert.deepEqual(record.weight_shape, [64n, 4n, 4n, 4n]);
    assert.deepEqual(record.output_shape, [1n, 32n, 32n, 32n]);
    assert.equal(record.params, 4_128n);
    assert.equal(record.macs, 1_048_576n);
    assert.equal(record.flops, 2_097_152n);
    assert.equal(record.dense_macs, 8_388_608n);
  });
});
