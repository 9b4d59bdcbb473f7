import * as assert from 'node:assert/strict';
import { ConvArgs, ConvSpec, buildConv, computeLayer, connectivity, groupsTable, nearestValidGroups, recordToJson, toJson } from '../../../src/core';
import { parseExactJson } from './exact-json';

// Layers far larger than any real network: every figure must stay exact, and nothing may loop
// over channels (validGroups factors the gcd; connectivity bins channels into a fixed picture).

function build(args: ConvArgs): ConvSpec {
  const built = buildConv(args);
  assert.ok(built.ok, built.ok ? '' : built.error.message);
  return built.spec;
}

describe('core: huge channel counts', () => {
  it('a 10^6-channel depthwise layer: exact record, 49 valid groups, a binned connectivity picture', () => {
    const million = 10n ** 6n;
    const record = computeLayer(build({ type: 'Conv2d', in_channels: million, out_channels: million, kernel_size: 3n, padding: 1n, groups: million }), [1n, million, 56n, 56n]);
    assert.equal(record.kind, 'depthwise');
    assert.equal(record.params, 10_000_000n);
    assert.equal(record.macs, 28_224_000_000n);
    assert.equal(record.dense_macs, 28_224_000_000_000_000n);
    assert.equal(record.savings, 1e6);
    assert.equal(record.valid_groups.length, 49);
    assert.ok(record.valid_groups_complete);
    const picture = connectivity(record.spec);
    assert.equal(picture.rows, 64);
    assert.equal(picture.cols, 64);
    assert.equal(picture.blocks.length, 256);
    assert.ok(picture.blocks_truncated);
    // Each diagonal cell holds 15625 x 15625 channel pairs of which 15625 are connected.
    assert.equal(picture.matrix[0][0], 0.000064);
    assert.equal(picture.matrix[0][1], 0);
    assert.deepEqual(groupsTable(record).map((row) => row.groups), record.valid_groups);
  });

  it('a 10^12-channel layer: exact params past 2^53, 169 valid groups, nearest valid groups', () => {
    const trillion = 10n ** 12n;
    const record = computeLayer(build({ type: 'Conv1d', in_channels: trillion, out_channels: trillion, kernel_size: 1n, groups: 4096n }), [trillion, 9n]);
    assert.equal(record.params, trillion * (trillion / 4096n) + trillion);
    assert.equal(record.macs, 9n * trillion * (trillion / 4096n));
    assert.deepEqual(record.output_shape, [trillion, 9n]);
    assert.equal(record.valid_groups.length, 169);
    assert.equal(record.valid_groups[record.valid_groups.length - 1], trillion);
    assert.deepEqual(nearestValidGroups(trillion, trillion, 3000n), [3125n, 3200n]);
    assert.equal(connectivity(record.spec).matrix.length, 64);
  });

  it('writes a huge record as JSON with every integer exact', () => {
    const big = 3n * 10n ** 15n;
    const record = computeLayer(build({ type: 'Conv2d', in_channels: big, out_channels: big, kernel_size: 3n, bias: false }), [1n, big, 3n, 3n]);
    const json = parseExactJson(toJson(recordToJson(record))) as { [key: string]: unknown };
    assert.equal(json.params, 9n * big * big);
    assert.equal(json.macs, 9n * big * big);
  });
});
