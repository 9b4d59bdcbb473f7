import * as assert from 'node:assert/strict';
import { packBlockedWeights, planKernel } from '../../../src/kernel';
import { geometryFor } from './cases';

describe('kernel: plan (memory layout and tap offsets)', () => {
  it("x=[1,2,5,5] w=[2,2,3,3] g=1 s=2 p=1: phase planes of 4x4 (ceil(7/2)) and taps reading plane (b mod 2, c mod 2)", () => {
    const g = geometryFor('Conv2d', { in_channels: 2n, out_channels: 2n, kernel_size: 3n, stride: 2n, padding: 1n }, [1, 2, 5, 5]);
    const plan = planKernel(g);
    assert.equal(plan.path, 'blocked');
    assert.deepEqual([plan.dq, plan.hq, plan.wq], [1, 4, 4]);
    // Tap (b, c) reads plane ((b mod 2) x 2 + (c mod 2)) of 16 floats, shifted by (b div 2) rows and (c div 2) columns.
    assert.deepEqual([...plan.taps], [0, 16, 1, 32, 48, 33, 4, 20, 5]);
  });

  it('x=[1,2,5,5] w=[2,1,3,3] g=2 s=2 p=1: depthwise strip rows split into 2 column phases of 8 floats (4 rounded up, plus a vector)', () => {
    const g = geometryFor('Conv2d', { in_channels: 2n, out_channels: 2n, kernel_size: 3n, stride: 2n, padding: 1n, groups: 2n }, [1, 2, 5, 5]);
    const plan = planKernel(g);
    assert.equal(plan.path, 'depthwise');
    assert.equal(plan.depthwiseKernel, 'rows');
    assert.deepEqual([plan.wq, plan.phaseFloats, plan.rowFloats], [4, 8, 16]);
    // Tap (b, c): b rows of 16 floats down, phase c mod 2 (8 floats on), column c div 2.
    assert.deepEqual([...plan.taps], [0, 8, 1, 16, 24, 17, 32, 40, 33]);
    // Three output rows (ceil(7/2) - 1) need 2 x 2 + 3 input rows, and one more the 3x3 loop may read.
    assert.deepEqual([plan.stripRows, plan.stripInRows], [3, 8]);
  });

  it('x=[1,3,9,9] w=[3,1,3,3] g=3 d=2 p=2: dilated taps 2 columns and 2 rows apart, on the strip rows loop; the legacy option keeps the tap loop', () => {
    const g = geometryFor('Conv2d', { in_channels: 3n, out_channels: 3n, kernel_size: 3n, dilation: 2n, padding: 2n, groups: 3n }, [1, 3, 9, 9]);
    const plan = planKernel(g);
    assert.equal(plan.depthwiseKernel, 'rows');
    assert.equal(plan.rowFloats, 20); // 13 rounded up to 16, plus 4
    assert.deepEqual([...plan.taps], [0, 2, 4, 40, 42, 44, 80, 82, 84]);
    assert.equal(planKernel(g, { legacyDepthwise: true }).depthwiseKernel, 'taps');
  });

  it('x=[1,4,16,16] w=[4,1,3,3] g=4 s=2 p=1: the legacy option runs stride 2 on whole-channel phase planes', () => {
    const g = geometryFor('Conv2d', { in_channels: 4n, out_channels: 4n, kernel_size: 3n, stride: 2n, padding: 1n, groups: 4n }, [1, 4, 16, 16]);
    const legacy = planKernel(g, { legacyDepthwise: true });
    assert.deepEqual([legacy.stripRows, legacy.depthwiseKernel], [0, 'taps']);
    assert.ok(legacy.chanStride >= 4 * legacy.hq * legacy.wq);
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
