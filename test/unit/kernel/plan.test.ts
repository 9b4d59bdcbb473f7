import * as assert from 'node:assert/strict';
import { packBlockedWeights, planKernel } from '../../../src/kernel';
import { geometryFor } from './cases';

describe('kernel: plan (memory layout and tap offsets)', () => {
  it("x=[1,2,5,5] w=[2,1,3,3] g=2 s=2 p=1: phase planes of 4x4 (ceil(7/2)) and taps reading plane (b mod 2, c mod 2)", () => {
    const g = geometryFor('Conv2d', { in_channels: 2n, out_channels: 2n, kernel_size: 3n, stride: 2n, padding: 1n, groups: 2n }, [1, 2, 5, 5]);
    const plan = planKernel(g);
    assert.equal(plan.path, 'depthwise');
    assert.deepEqual([plan.dq, plan.hq, plan.wq], [1, 4, 4]);
    // Tap (b, c) reads plane ((b mod 2) x 2 + (c mod 2)) of 16 floats, shifted by (b div 2) rows and (c div 2) columns.
    assert.deepEqual([...plan.taps], [0, 16, 1, 32, 48, 33, 4, 20, 5]);
  });

  it('x=[1,8,6,6] w=[6,4,3,3] g=2 p=same: blocked, one block of 4 output channels padded to 2 blocks per group', () => {
    const g = geometryFor('Conv2d', { in_channels: 8n, out_channels: 6n, kernel_size: 3n, padding: 'same', groups: 2n }, [1, 8, 6, 6]);
    const plan = planKernel(g);
    assert.equal(plan.path, 'blocked');
    assert.equal(plan.ocBlocks, 1);
    assert.equal(plan.qPad, 48); // 6 rows of 8 virtual columns
    assert.ok(plan.chanStride >= plan.qPad + Math.max(...plan.taps));
    const weight = Float32Array.from({ length: 6 * 4 * 9 }, (_, i) => i + 1);
    const packed = new Float32Array(plan.floats.packed);
    packBlockedWeights(g, plan, weight, packed);
    // Group 0, tap 0, input channel 0: output channels 0, 1, 2 and a zero for the missing fourth.
    assert.deepEqual([...packed.subarray(0, 4)], [weight[0], weight[36], weight[72], 0]);
    // Group 0, tap 0, input channel 1 follows, then tap 1 after all four input channels.
    assert.deepEqual([...packed.subarray(4, 8)], [weight[9], weight[45], weight[81], 0]);
    assert.deepEqual([...packed.subarray(16, 20)], [weight[1], weight[37], weight[73], 0]);
  });

  it('x=[1,64,56,56] w=[64,64,3,3]: chunks keep the input a chunk reads within the L1 budget', () => {
    const g = geometryFor('Conv2d', { in_channels: 64n, out_channels: 64n, kernel_size: 3n, padding: 1n }, [1, 64, 56, 56]);
    const plan = planKernel(g);
    assert.ok(plan.kc * (plan.nc + Math.max(...plan.taps) + 8) * 4 <= 24 * 1024);
    assert.equal(plan.nc % 8, 0);
  });
});
