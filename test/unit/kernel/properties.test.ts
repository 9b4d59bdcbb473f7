import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConvSpec, PyValue, buildConv, forwardShape, tuple } from '../../../src/core';
import { ConvGeometry, WasmConvKernel, referenceConv, tensorSizes } from '../../../src/kernel';
import { caseName, geometryFor, seeded } from './cases';
import { assertClose } from './close';
import { loadBuiltKernel } from './loadWasm';

/** A small random layer: rank 1 or 2, any groups, kernel, stride, dilation and padding. */
interface LayerCase {
  rank: 1 | 2;
  groups: number;
  inPerGroup: number;
  outPerGroup: number;
  kernel: number[];
  stride: number[];
  dilation: number[];
  padding: number[] | 'same';
  bias: boolean;
  batch: number;
  size: number[];
  seed: number;
}

const layerCase: fc.Arbitrary<LayerCase> = fc.constantFrom<1 | 2>(1, 2).chain((rank) => fc.record({
  rank: fc.constant(rank),
  groups: fc.integer({ min: 1, max: 4 }),
  inPerGroup: fc.integer({ min: 1, max: 5 }),
  outPerGroup: fc.integer({ min: 1, max: 6 }),
  kernel: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: rank, maxLength: rank }),
  stride: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: rank, maxLength: rank }),
  dilation: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: rank, maxLength: rank }),
  padding: fc.oneof(fc.constant<'same'>('same'), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: rank, maxLength: rank })),
  bias: fc.boolean(),
  batch: fc.integer({ min: 1, max: 2 }),
  size: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: rank, maxLength: rank }),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
}));

function args(c: LayerCase, overrides: Partial<LayerCase> = {}): Record<string, PyValue> {
  const l = { ...c, ...overrides };
  const ints = (xs: number[]): PyValue => tuple(xs.map(BigInt));
  return {
    in_channels: BigInt(l.groups * l.inPerGroup),
    out_channels: BigInt(l.groups * l.outPerGroup),
    kernel_size: ints(l.kernel),
    stride: ints(l.stride),
    dilation: ints(l.dilation),
    padding: l.padding === 'same' ? 'same' : ints(l.padding),
    groups: BigInt(l.groups),
    bias: l.bias,
  };
}

/** The case's spec and input shape when PyTorch would accept them (else null: fast-check skips it). */
function accepted(c: LayerCase, overrides: Partial<LayerCase> = {}): { spec: ConvSpec; input: bigint[]; output: bigint[] } | null {
  const l = { ...c, ...overrides };
  const built = buildConv({ type: l.rank === 1 ? 'Conv1d' : 'Conv2d', ...args(c, overrides) } as never);
  if (!built.ok) return null;
  const input = [BigInt(l.batch), BigInt(l.groups * l.inPerGroup), ...l.size.map(BigInt)];
  const forward = forwardShape(built.spec, input);
  return forward.ok ? { spec: built.spec, input, output: forward.output } : null;
}

function geometryOf(c: LayerCase, overrides: Partial<LayerCase> = {}): ConvGeometry {
  const l = { ...c, ...overrides };
  const shape = [l.batch, l.groups * l.inPerGroup, ...l.size];
  return geometryFor(l.rank === 1 ? 'Conv1d' : 'Conv2d', args(c, overrides), shape);
}

function randomTensors(g: ConvGeometry, seed: number): { input: Float32Array; weight: Float32Array; bias: Float32Array | null } {
  const sizes = tensorSizes(g);
  return { input: seeded(sizes.input, seed), weight: seeded(sizes.weight, seed + 1), bias: g.bias ? seeded(sizes.bias, seed + 2) : null };
}

/** Channels [first, first + count) of an N x C x S tensor. */
function channelSlice(data: Float32Array, batch: number, channels: number, spatial: number, first: number, count: number): Float32Array {
  const out = new Float32Array(batch * count * spatial);
  for (let n = 0; n < batch; n++) out.set(data.subarray((n * channels + first) * spatial, (n * channels + first + count) * spatial), n * count * spatial);
  return out;
}

const RUNS = { numRuns: 30 };

describe('kernel: properties of the WebAssembly convolution (fast-check)', () => {
  let kernel: WasmConvKernel;
  before(async () => {
    kernel = await loadBuiltKernel('simd');
  });

  it('output has the shape the core predicts, and equals the reference', async () => {
    await fc.assert(fc.asyncProperty(layerCase, async (c) => {
      const layer = accepted(c);
      fc.pre(layer !== null);
      const g = geometryOf(c);
      const tensors = randomTensors(g, c.seed);
      const out = await kernel.run(g, tensors);
      const predicted = layer!.output.reduce((a, b) => a * b, 1n);
      assert.equal(BigInt(out.length), predicted, caseName(g, String(c.padding)));
      assertClose(out, referenceConv(g, tensors));
    }), RUNS);
  });

  it('a transposed conv has the predicted shape and equals the reference (padding <= dilation x (k-1))', async () => {
    await fc.assert(fc.asyncProperty(layerCase, fc.integer({ min: 0, max: 2 }), async (c, outputPadding) => {
      fc.pre(c.padding !== 'same');
      const type = c.rank === 1 ? 'ConvTranspose1d' : 'ConvTranspose2d';
      const transposedArgs = { ...args(c), output_padding: tuple(c.stride.map(() => BigInt(outputPadding))) };
      const built = buildConv({ type, ...transposedArgs } as never);
      fc.pre(built.ok);
      const input = [c.batch, c.groups * c.inPerGroup, ...c.size];
      const forward = forwardShape((built as { spec: ConvSpec }).spec, input.map(BigInt));
      const pads = c.padding as number[];
      fc.pre(forward.ok && pads.every((p, i) => p <= c.dilation[i] * (c.kernel[i] - 1)));
      const g = geometryFor(type, transposedArgs, input);
      const tensors = randomTensors(g, c.seed);
      const out = await kernel.run(g, tensors);
      const predicted = (forward as { output: bigint[] }).output.reduce((a, b) => a * b, 1n);
      assert.equal(BigInt(out.length), predicted);
      assertClose(out, referenceConv(g, tensors));
    }), RUNS);
  });

  it('a grouped conv equals the concatenation of groups separate convs on channel slices', async () => {
    await fc.assert(fc.asyncProperty(layerCase, async (c) => {
      fc.pre(c.groups > 1 && accepted(c) !== null);
      const g = geometryOf(c);
      const tensors = randomTensors(g, c.seed);
      const whole = await kernel.run(g, tensors);
      const single = geometryOf(c, { groups: 1 });
      const inSpatial = g.inSize[0] * g.inSize[1] * g.inSize[2];
      const outSpatial = g.outSize[0] * g.outSize[1] * g.outSize[2];
      const weightPerGroup = tensors.weight.length / c.groups;
      for (let group = 0; group < c.groups; group++) {
        const part = await kernel.run(single, {
          input: channelSlice(tensors.input, c.batch, g.inChannels, inSpatial, group * c.inPerGroup, c.inPerGroup),
          weight: tensors.weight.slice(group * weightPerGroup, (group + 1) * weightPerGroup),
          bias: tensors.bias?.slice(group * c.outPerGroup, (group + 1) * c.outPerGroup) ?? null,
        });
        assertClose(channelSlice(whole, c.batch, g.outChannels, outSpatial, group * c.outPerGroup, c.outPerGroup), part);
      }
    }), RUNS);
  });

  it('a dense conv with a block-diagonal-masked weight equals the grouped conv', async () => {
    await fc.assert(fc.asyncProperty(layerCase, async (c) => {
      fc.pre(c.groups > 1 && accepted(c) !== null);
      const g = geometryOf(c);
      const tensors = randomTensors(g, c.seed);
      const dense = geometryOf(c, { groups: 1, inPerGroup: c.groups * c.inPerGroup, outPerGroup: c.groups * c.outPerGroup });
      const taps = g.kernel[0] * g.kernel[1] * g.kernel[2];
      const masked = new Float32Array(tensorSizes(dense).weight);
      for (let o = 0; o < g.outChannels; o++) {
        const group = Math.floor(o / c.outPerGroup);
        for (let i = 0; i < c.inPerGroup; i++) {
          const from = (o * c.inPerGroup + i) * taps;
          masked.set(tensors.weight.subarray(from, from + taps), (o * g.inChannels + group * c.inPerGroup + i) * taps);
        }
      }
      assertClose(await kernel.run(dense, { ...tensors, weight: masked }), await kernel.run(g, tensors));
    }), RUNS);
  });

  it('depthwise then pointwise equals one dense conv with W[o,i] = P[o,i] x D[i]', async () => {
    await fc.assert(fc.asyncProperty(layerCase, async (c) => {
      const channels = c.groups * c.inPerGroup;
      const depthwiseCase = { groups: channels, inPerGroup: 1, outPerGroup: 1 };
      fc.pre(accepted(c, depthwiseCase) !== null);
      const depthwise = geometryOf(c, depthwiseCase);
      const dwTensors = randomTensors(depthwise, c.seed);
      const mid = await kernel.run(depthwise, dwTensors);
      const outChannels = c.groups * c.outPerGroup;
      const pointwiseShape = [c.batch, channels, ...depthwise.outSize.slice(3 - c.rank)];
      const pointwiseArgs = { in_channels: BigInt(channels), out_channels: BigInt(outChannels), kernel_size: 1n, bias: c.bias };
      const pointwise = geometryFor(c.rank === 1 ? 'Conv1d' : 'Conv2d', pointwiseArgs, pointwiseShape);
      const pwTensors = { ...randomTensors(pointwise, c.seed + 7), input: mid };
      const separable = await kernel.run(pointwise, pwTensors);

      const dense = geometryOf(c, { groups: 1, inPerGroup: channels, outPerGroup: outChannels });
      const taps = dense.kernel[0] * dense.kernel[1] * dense.kernel[2];
      const composed = new Float32Array(tensorSizes(dense).weight);
      const composedBias = dense.bias ? new Float32Array(outChannels) : null;
      for (let o = 0; o < outChannels; o++) {
        // Linearity: P(D x + d) + p = (P D) x + (P d + p), tap by tap.
        if (composedBias) composedBias[o] = pwTensors.bias![o];
        for (let i = 0; i < channels; i++) {
          const p = pwTensors.weight[o * channels + i];
          for (let t = 0; t < taps; t++) composed[(o * channels + i) * taps + t] = p * dwTensors.weight[i * taps + t];
          if (composedBias) composedBias[o] += p * dwTensors.bias![i];
        }
      }
      const direct = await kernel.run(dense, { input: dwTensors.input, weight: composed, bias: composedBias });
      assertClose(separable, direct, 1e-5, 1e-5);
    }), RUNS);
  });
});
