import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { planKernel } from '../../../src/kernel';
import { maxPhaseTerm, maxRowTapOffset, maxTapOffset } from '../../../src/kernel/tapReach';
import { tuple } from '../../../src/core';
import { layerBytes } from '../../../src/sandbox/budget';
import { geometryFor } from './cases';

describe('kernel: the largest tap offset without listing taps', () => {
  it('equals the largest listed tap for any kernel, stride, dilation and padding (2d and 3d)', () => {
    fc.assert(fc.property(
      fc.record({ rank: fc.constantFrom(2, 3), k: fc.integer({ min: 1, max: 5 }), s: fc.integer({ min: 1, max: 4 }), d: fc.integer({ min: 1, max: 3 }), p: fc.integer({ min: 0, max: 2 }), n: fc.integer({ min: 0, max: 6 }) }),
      ({ rank, k, s, d, p, n }) => {
        const size = (k - 1) * d + 1 + n;
        const spatial = rank === 2 ? [size, size + 1] : [size, size + 2, size + 1];
        const stride = rank === 2 ? [s, 1 + (s % 3)] : [s, 1 + (s % 3), 1 + ((s + 1) % 4)];
        const g = geometryFor(rank === 2 ? 'Conv2d' : 'Conv3d', { in_channels: 2n, out_channels: 2n, kernel_size: BigInt(k), stride: tuple(stride.map(BigInt)), dilation: BigInt(d), padding: BigInt(p) }, [1, 2, ...spatial]);
        const plan = planKernel(g);
        assert.equal(plan.tapCount, plan.taps.length);
        assert.equal(maxTapOffset(g.kernel, g.dilation, g.stride, plan.dq, plan.hq, plan.wq), Math.max(...plan.taps));
      },
    ), { numRuns: 300 });
  });

  it('equals the largest listed tap of a 2d depthwise strip plan, for any kernel, stride and dilation', () => {
    fc.assert(fc.property(
      fc.record({ kh: fc.integer({ min: 1, max: 5 }), kw: fc.integer({ min: 1, max: 5 }), sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 4 }), d: fc.integer({ min: 1, max: 3 }), p: fc.integer({ min: 0, max: 2 }), n: fc.integer({ min: 0, max: 6 }) }),
      ({ kh, kw, sh, sw, d, p, n }) => {
        const size = (Math.max(kh, kw) - 1) * d + 1 + n;
        const g = geometryFor('Conv2d', { in_channels: 3n, out_channels: 3n, groups: 3n, kernel_size: tuple([BigInt(kh), BigInt(kw)]), stride: tuple([BigInt(sh), BigInt(sw)]), dilation: BigInt(d), padding: BigInt(p) }, [1, 3, size, size + 1]);
        const plan = planKernel(g);
        assert.equal(plan.path, 'depthwise');
        assert.ok(plan.rowFloats > 0, 'a 2d depthwise layer runs in strips');
        assert.equal(plan.tapCount, plan.taps.length);
        assert.equal(maxRowTapOffset(g.kernel, g.dilation, g.stride, plan.phaseFloats, plan.rowFloats), Math.max(...plan.taps));
      },
    ), { numRuns: 300 });
  });

  it('maxPhaseTerm is the brute-force maximum, period by period', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 50 }),
      (k, d, s, phase, row) => {
        let best = 0;
        for (let a = 0; a < k; a++) best = Math.max(best, phase * ((a * d) % s) + row * Math.floor((a * d) / s));
        return maxPhaseTerm(k, d, s, phase, row) === best;
      },
    ), { numRuns: 2000 });
  });

  it('sizes a 15000x15000 kernel from arithmetic, without listing its 225 million taps', () => {
    const g = geometryFor('Conv2d', { in_channels: 1n, out_channels: 1n, kernel_size: 15000n }, [1, 1, 15000, 15000]);
    const plan = planKernel(g);
    assert.equal(plan.tapCount, 225_000_000);
    // 225M weights, 225M input floats and 225M tap offsets: over 2.5 GB, counted, not allocated.
    assert.ok(layerBytes(g) > 2.5e9);
    const dilated = geometryFor('Conv2d', { in_channels: 1n, out_channels: 1n, kernel_size: 5000n, stride: 3n, dilation: 2n }, [1, 1, 10001, 10001]);
    assert.equal(planKernel(dilated).tapCount, 25_000_000);
  });
});
