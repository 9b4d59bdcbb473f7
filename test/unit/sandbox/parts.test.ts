import * as assert from 'node:assert/strict';
import { computeLayer } from '../../../src/core';
import { geometryFromRecord } from '../../../src/kernel';
import { AGREEMENT_FACTOR, explainSpeedup } from '../../../src/sandbox/explain';
import { producedShape } from '../../../src/sandbox/layers';
import { blockDiagonal, composeSeparable, concatChannels, maxAbsDifference, randomSource, sliceChannels } from '../../../src/sandbox/tensors';
import { MIN_SAMPLE_MS, median, timeInterleaved, timeRuns } from '../../../src/sandbox/timing';
import { conv } from './helpers';

describe('sandbox tensors', () => {
  it('draws the same numbers from the same seed, all in [-1, 1)', () => {
    const a = randomSource(7);
    const b = randomSource(7);
    const draws = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(draws, Array.from({ length: 1000 }, () => b()));
    assert.ok(draws.every((x) => x >= -1 && x < 1));
    assert.ok(Math.abs(draws.reduce((s, x) => s + x, 0) / draws.length) < 0.1);
  });

  it('slices and concatenates channels per batch item', () => {
    // Two batch items, three channels of two values: item n channel c holds 10n + c twice.
    const t = Float32Array.from([0, 0, 1, 1, 2, 2, 10, 10, 11, 11, 12, 12]);
    const middle = sliceChannels(t, 2, 3, 2, 1, 2);
    assert.deepEqual([...middle], [1, 1, 2, 2, 11, 11, 12, 12]);
    const first = sliceChannels(t, 2, 3, 2, 0, 1);
    assert.deepEqual([...concatChannels([first, middle], [1, 2], 2, 2)], [...t]);
  });

  it('places grouped weights block-diagonally', () => {
    // groups=2, C_out=2, C_in=4, one tap: row o holds its group's two inputs.
    const grouped = Float32Array.from([1, 2, 3, 4]);
    assert.deepEqual([...blockDiagonal(grouped, 2, 2, 4, 1)], [1, 2, 0, 0, 0, 0, 3, 4]);
    // A transposed weight, groups=2, C_in=4 rows, C_out=2 columns: each row has its group's one output.
    assert.deepEqual([...blockDiagonal(grouped, 2, 4, 2, 1)], [1, 0, 2, 0, 0, 3, 0, 4]);
  });

  it('composes depthwise and pointwise kernels as W[o,i,t] = P[o,i] * D[i,t]', () => {
    const depthwise = Float32Array.from([1, 2, 3, 4]); // two channels, two taps
    const pointwise = Float32Array.from([10, 100]); // one output
    assert.deepEqual([...composeSeparable(depthwise, pointwise, 1, 2, 2)], [10, 20, 300, 400]);
  });

  it('measures the largest difference, treating NaN and length mismatch as infinite', () => {
    assert.equal(maxAbsDifference(Float32Array.from([1, 2]), Float32Array.from([1.5, 1])), 1);
    assert.equal(maxAbsDifference(Float32Array.from([Number.NaN]), Float32Array.from([0])), Number.POSITIVE_INFINITY);
    assert.equal(maxAbsDifference(Float32Array.from([1]), Float32Array.from([1, 2])), Number.POSITIVE_INFINITY);
  });
});

describe('sandbox timing', () => {
  it('takes the median', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]));
  });

  it('warms up untimed, then times samples of enough runs to outlast a coarse clock, stopping at the time cap', () => {
    // A clock that ticks in whole milliseconds and work that takes 1.5 ms: one run reads as 1 or 2 ms.
    let exact = 0;
    const clock = (): number => Math.floor(exact);
    let calls = 0;
    const work = (): void => { exact += 1.5; calls++; };
    const steps: number[] = [];
    const timed = timeRuns(work, { warmup: 2, repeats: 10, maxMsPerVariant: 30 }, clock, () => steps.push(calls));
    // Calibration: 1 run reads 1 ms, 2 runs 3 ms, 4 runs 6 ms (>= MIN_SAMPLE_MS); the fastest rate
    // seen, 1 ms a run, gives samples of 5 runs. They read 8, 7, 8, 7 ms: the 30 ms cap ends them.
    assert.equal(MIN_SAMPLE_MS, 5);
    assert.deepEqual(timed, { medianMs: 1.5, runs: 20 });
    assert.deepEqual(steps, [1, 2, 14, 19, 24, 29]);
  });

  it('interleaves pieces of work round by round, so a change in load falls on all of them', () => {
    let clock = 0;
    const order: string[] = [];
    const work = (name: string, ms: number) => (): void => { clock += ms; order.push(name); };
    const timed = timeInterleaved([work('a', 10), work('b', 20)], { warmup: 1, repeats: 3, maxMsPerVariant: 1000 }, () => clock);
    // Warm-ups a, b; calibration a (10 ms >= 5) and b (20 ms); then rounds a, b, a, b, a, b.
    assert.deepEqual(order, ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
    assert.deepEqual(timed, [{ medianMs: 10, runs: 3 }, { medianMs: 20, runs: 3 }]);
  });

  it('takes at least three samples even when one sample is over the cap', () => {
    let clock = 0;
    const timed = timeRuns(() => { clock += 100; }, { warmup: 0, repeats: 9, maxMsPerVariant: 10 }, () => clock);
    assert.deepEqual(timed, { medianMs: 100, runs: 3 });
  });
});

describe('sandbox explanations', () => {
  const base = { intensity: 7, denseIntensity: 50, dense: false };
  it('says memory-bound when fewer MACs saved much less time at a lower intensity', () => {
    assert.match(explainSpeedup({ ...base, countedRatio: 8, measuredSpeedup: 2 }), /^Memory-bound: 8\.0x fewer MACs but only 2\.0x faster.*\(7\.0 FLOP\/byte vs dense 50\)/);
  });
  it('says compute-bound when the two agree within the factor, or that the tensors stay in cache when its intensity is low', () => {
    assert.match(explainSpeedup({ ...base, intensity: 35, countedRatio: 8, measuredSpeedup: 8 / (AGREEMENT_FACTOR * 0.99) }), /^Compute-bound/);
    assert.match(explainSpeedup({ ...base, intensity: 2.2, countedRatio: 64, measuredSpeedup: 48 }), /^The time follows the MAC count \(48x measured, 64x counted\) despite a low intensity \(2\.2 FLOP\/byte vs dense 50\): at this size its tensors stay in cache/);
  });
  it('says faster than counted, and names the baseline', () => {
    assert.match(explainSpeedup({ ...base, countedRatio: 2, measuredSpeedup: 4 }), /^Faster than counted/);
    assert.match(explainSpeedup({ ...base, countedRatio: null, measuredSpeedup: null, dense: true }), /baseline/);
  });
});

describe('sandbox produced shapes', () => {
  it('applies PyTorch\'s output formula to the tensors the run used, for every rank', () => {
    const cases: Array<[Parameters<typeof conv>[0], bigint[], string]> = [
      [{ type: 'Conv1d', in_channels: 4n, out_channels: 6n, kernel_size: 3n, stride: 2n }, [2n, 4n, 11n], '2x6x5'],
      [{ type: 'Conv2d', in_channels: 4n, out_channels: 8n, kernel_size: 3n, padding: 'same', dilation: 2n }, [1n, 4n, 9n, 7n], '1x8x9x7'],
      [{ type: 'Conv3d', in_channels: 2n, out_channels: 2n, kernel_size: [1n, 3n, 3n], stride: [1n, 2n, 2n], padding: [0n, 1n, 1n] }, [1n, 2n, 4n, 9n, 9n], '1x2x4x5x5'],
    ];
    for (const [args, input, expected] of cases) {
      const g = geometryFromRecord(computeLayer(conv(args), input));
      assert.ok(g.ok);
      if (g.ok) assert.equal(producedShape(g.geometry, g.geometry.inSize).join('x'), expected);
    }
  });
});
