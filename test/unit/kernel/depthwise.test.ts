import * as assert from 'node:assert/strict';
import { PyValue, tuple } from '../../../src/core';
import { ConvGeometry, WasmConvKernel, planKernel, referenceConv, tensorSizes } from '../../../src/kernel';
import { geometryFor, seeded } from './cases';
import { assertClose } from './close';
import { loadBuiltKernel } from './loadWasm';

/** A depthwise (or depthwise-multiplier) layer. */
interface DepthwiseCase {
  input: number[];
  kernel: number | [number, number];
  stride: number | [number, number];
  padding: number | [number, number] | 'same';
  dilation: number | [number, number];
  multiplier?: number;
}

// Stride 2 and 3, dilation 2 and 3, padding 0-3 and 'same', odd and non-square sizes, batch 2,
// channel counts that are not multiples of 4, multipliers, 1d, rows wide enough for many strips,
// and kernel widths of 3, 4, 5 and 7 (three columns at a time, then the rest one at a time).
const CASES: DepthwiseCase[] = [
  { input: [1, 32, 56, 56], kernel: 3, stride: 2, padding: 1, dilation: 1 },
  { input: [1, 96, 15, 17], kernel: 3, stride: 2, padding: 1, dilation: 1 },
  { input: [2, 6, 13, 11], kernel: 3, stride: 2, padding: 0, dilation: 1 },
  { input: [1, 4, 7, 7], kernel: 3, stride: 2, padding: 1, dilation: 1 },
  { input: [1, 9, 64, 64], kernel: 3, stride: 2, padding: 1, dilation: 1 },
  { input: [1, 5, 19, 23], kernel: 5, stride: 2, padding: 2, dilation: 1 },
  { input: [2, 7, 21, 20], kernel: 7, stride: 2, padding: 3, dilation: 1 },
  { input: [1, 3, 17, 19], kernel: 3, stride: 3, padding: 1, dilation: 1 },
  { input: [1, 4, 22, 25], kernel: 5, stride: 3, padding: 2, dilation: 1 },
  { input: [1, 6, 20, 21], kernel: 3, stride: 1, padding: 2, dilation: 2 },
  { input: [2, 5, 23, 18], kernel: 3, stride: 1, padding: 3, dilation: 3 },
  { input: [1, 8, 19, 19], kernel: 3, stride: 2, padding: 2, dilation: 2 },
  { input: [1, 3, 16, 30], kernel: 5, stride: 2, padding: 0, dilation: 3 },
  { input: [1, 5, 25, 26], kernel: 3, stride: 3, padding: 2, dilation: 2 },
  { input: [1, 3, 12, 12], kernel: 5, stride: 1, padding: 'same', dilation: 2 },
  { input: [1, 4, 14, 14], kernel: 7, stride: 1, padding: 3, dilation: 1 },
  { input: [1, 4, 15, 16], kernel: 3, stride: [2, 1], padding: [1, 2], dilation: [1, 2] },
  { input: [1, 3, 13, 14], kernel: [3, 5], stride: 2, padding: [1, 2], dilation: 1 },
  { input: [1, 4, 12, 12], kernel: 4, stride: 2, padding: 1, dilation: 1 },
  { input: [1, 6, 9, 9], kernel: 3, stride: 2, padding: 1, dilation: 1, multiplier: 2 },
  { input: [1, 2, 40, 600], kernel: 3, stride: 2, padding: 1, dilation: 1, multiplier: 2 },
  { input: [1, 3, 30, 900], kernel: 5, stride: 1, padding: 4, dilation: 2, multiplier: 3 },
  // Rows narrower than a pair of vectors, in several strips, with a multiplier.
  { input: [1, 2, 600, 5], kernel: 3, stride: 2, padding: 1, dilation: 1, multiplier: 2 },
  { input: [1, 2, 700, 1], kernel: [3, 1], stride: 1, padding: [1, 0], dilation: 1, multiplier: 2 },
  { input: [2, 5, 33], kernel: 5, stride: 2, padding: 2, dilation: 1 },
  { input: [1, 6, 40], kernel: 3, stride: 3, padding: 0, dilation: 2 },
];

function geometryOf(c: DepthwiseCase): ConvGeometry {
  const rank = c.input.length - 2;
  const pair = (v: number | [number, number]): PyValue => (typeof v === 'number' ? BigInt(v) : tuple(v.map(BigInt)));
  const channels = c.input[1];
  return geometryFor(rank === 1 ? 'Conv1d' : 'Conv2d', {
    in_channels: BigInt(channels),
    out_channels: BigInt(channels * (c.multiplier ?? 1)),
    kernel_size: pair(c.kernel),
    stride: pair(c.stride),
    padding: c.padding === 'same' ? 'same' : pair(c.padding),
    dilation: pair(c.dilation),
    groups: BigInt(channels),
  }, c.input);
}

/** `x=[1,32,56,56] k=3 s=2 p=1 d=1 g=32`, and `m=2` for a channel multiplier. */
function depthwiseName(c: DepthwiseCase, g: ConvGeometry): string {
  const spatial = (s: readonly number[]): string => {
    const dims = s.slice(3 - g.rank);
    return dims.every((d) => d === dims[0]) ? String(dims[0]) : dims.join(',');
  };
  const padding = c.padding === 'same' ? 'same' : typeof c.padding === 'number' ? String(c.padding) : c.padding.join(',');
  const parts = [`x=[${c.input.join(',')}]`, `k=${spatial(g.kernel)}`, `s=${spatial(g.stride)}`, `p=${padding}`, `d=${spatial(g.dilation)}`, `g=${g.groups}`];
  if (g.outChannels !== g.groups) parts.push(`m=${g.outChannels / g.groups}`);
  return parts.join(' ');
}

describe('kernel: strided and dilated depthwise layers against the reference', () => {
  // Plain SIMD under plain Node; test:kernel:relaxed runs this file with relaxed SIMD.
  const relaxedFlag = process.execArgv.includes('--experimental-wasm-relaxed-simd');
  let kernel: WasmConvKernel;
  before(async () => {
    kernel = await loadBuiltKernel(relaxedFlag ? 'relaxed-simd' : 'simd');
  });

  CASES.forEach((c, i) => {
    const g = geometryOf(c);
    it(depthwiseName(c, g), async () => {
      assert.equal(planKernel(g).depthwiseKernel, 'rows');
      const sizes = tensorSizes(g);
      const tensors = { input: seeded(sizes.input, 3 * i + 1), weight: seeded(sizes.weight, 3 * i + 2), bias: seeded(sizes.bias, 3 * i + 3) };
      const expected = referenceConv(g, tensors);
      assertClose(await kernel.run(g, tensors), expected);
      // The old loops, kept for the benchmark's before/after, must agree too.
      assertClose(await kernel.run(g, tensors, { legacyDepthwise: true }), expected);
    });
  });

  it('the wide-row cases really run several strips', () => {
    for (const c of CASES.filter((x) => x.input[2] * (x.input[3] ?? 1) >= 3000)) {
      const g = geometryOf(c);
      assert.ok(planKernel(g).stripRows < g.outSize[1], depthwiseName(c, g));
    }
  });

  it('runs the same prepared layer twice with the same result (strip buffers start clean each run)', async () => {
    const g = geometryOf(CASES[1]);
    const sizes = tensorSizes(g);
    const prepared = await kernel.prepare(g, { weight: seeded(sizes.weight, 7), bias: seeded(sizes.bias, 8) });
    const first = prepared.run(seeded(sizes.input, 9));
    prepared.run(seeded(sizes.input, 10));
    assert.deepEqual(prepared.run(seeded(sizes.input, 9)), first);
    prepared.dispose();
  });
});
