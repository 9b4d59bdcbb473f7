import * as assert from 'node:assert/strict';
import { buildConv, computeLayer, tuple } from '../../../src/core';
import { geometryFromRecord, geometryMacs } from '../../../src/kernel';
import { geometryFor } from './cases';

describe('kernel: geometry read from the core record', () => {
  it("x=[2,9,9] (unbatched Conv2d) w=[3,2,4,4] p=same: batch 1, D lifted to 1, the odd 'same' pad on the far side", () => {
    const g = geometryFor('Conv2d', { in_channels: 2n, out_channels: 3n, kernel_size: 4n, padding: 'same' }, [2, 9, 9]);
    assert.equal(g.batch, 1);
    assert.equal(g.rank, 2);
    assert.deepEqual(g.inSize, [1, 9, 9]);
    assert.deepEqual(g.outSize, [1, 9, 9]);
    assert.deepEqual(g.padBefore, [0, 1, 1]);
    assert.deepEqual(g.padAfter, [0, 2, 2]);
  });

  it('x=[1,4,20] Conv1d w=[6,2,3] g=2 s=2: D and H lifted to 1, MACs as the core counts them', () => {
    const built = buildConv({ type: 'Conv1d', in_channels: 4n, out_channels: 6n, kernel_size: 3n, stride: 2n, groups: 2n });
    assert.ok(built.ok);
    const record = computeLayer(built.spec, [1n, 4n, 20n]);
    const result = geometryFromRecord(record);
    assert.ok(result.ok);
    assert.deepEqual(result.geometry.inSize, [1, 1, 20]);
    assert.deepEqual(result.geometry.stride, [1, 1, 2]);
    assert.equal(BigInt(geometryMacs(result.geometry)), record.macs);
  });

  it('a one-element stride tuple applies to every dimension, as at PyTorch forward', () => {
    const g = geometryFor('Conv2d', { in_channels: 1n, out_channels: 1n, kernel_size: 3n, stride: tuple([2n]) }, [1, 1, 9, 9]);
    assert.deepEqual(g.stride, [1, 2, 2]);
    assert.deepEqual(g.outSize, [1, 4, 4]);
  });

  it('says why a layer cannot run: unknown input, reflect padding, a forward error', () => {
    const built = buildConv({ type: 'Conv2d', in_channels: 3n, out_channels: 8n, kernel_size: 3n, padding_mode: 'reflect', padding: 1n });
    assert.ok(built.ok);
    assert.deepEqual(geometryFromRecord(computeLayer(built.spec, null)), { ok: false, message: "padding_mode='reflect' is not supported by the kernel (only 'zeros')" });
    const plain = buildConv({ type: 'Conv2d', in_channels: 3n, out_channels: 8n, kernel_size: 3n });
    assert.ok(plain.ok);
    assert.deepEqual(geometryFromRecord(computeLayer(plain.spec, null)), { ok: false, message: 'the input shape is unknown' });
    const failed = geometryFromRecord(computeLayer(plain.spec, [1n, 4n, 8n, 8n]));
    assert.ok(!failed.ok && /expected input\[1, 4, 8, 8\] to have 3 channels/.test(failed.message));
  });
});
