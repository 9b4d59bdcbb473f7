import * as assert from 'node:assert/strict';
import { PyValue } from '../../../src/core';
import { WasmConvKernel, planKernel, referenceConv, tensorSizes } from '../../../src/kernel';
import { caseName, fixtureCases, geometryFor } from './cases';
import { assertClose } from './close';
import { loadBuiltKernel } from './loadWasm';

describe('kernel: WebAssembly convolution against PyTorch fixtures and the reference', () => {
  // Plain SIMD under plain Node; spawn node with --experimental-wasm-relaxed-simd to test the relaxed build.
  const relaxedFlag = process.execArgv.includes('--experimental-wasm-relaxed-simd');
  let kernel: WasmConvKernel;
  before(async () => {
    kernel = await loadBuiltKernel(relaxedFlag ? 'relaxed-simd' : 'simd');
  });

  for (const c of fixtureCases()) {
    it(c.name, async () => {
      const actual = await kernel.run(c.geometry, c.tensors);
      assertClose(actual, c.expected);
      assertClose(actual, referenceConv(c.geometry, c.tensors));
    });
  }

  // Rows this wide leave room for only a few rows per L1 strip, so these run many strips.
  const stripCases: Array<{ args: Record<string, PyValue>; input: number[]; padding: string }> = [
    { args: { in_channels: 2n, out_channels: 2n, kernel_size: 3n, padding: 1n, groups: 2n }, input: [1, 2, 41, 1200], padding: '1' },
    { args: { in_channels: 2n, out_channels: 4n, kernel_size: 5n, padding: 'same', dilation: 2n, groups: 2n }, input: [1, 2, 23, 700], padding: 'same' },
  ];
  for (const c of stripCases) {
    const geometry = geometryFor('Conv2d', c.args, c.input);
    it(`depthwise in L1 strips: ${caseName(geometry, c.padding)} equals the reference`, async () => {
      assert.ok(planKernel(geometry).stripRows < geometry.outSize[1], 'the case should need several strips');
      const sizes = tensorSizes(geometry);
      const tensors = { input: ramp(sizes.input), weight: ramp(sizes.weight), bias: ramp(sizes.bias) };
      assertClose(await kernel.run(geometry, tensors), referenceConv(geometry, tensors));
    });
  }

  it('auto-detection picks the build this runtime validates', async () => {
    assert.equal((await loadBuiltKernel('auto')).variant, relaxedFlag ? 'relaxed-simd' : 'simd');
  });

  it('refuses a layer whose memory exceeds the budget, saying how much it needs', async () => {
    const c = fixtureCases()[0];
    await assert.rejects(kernel.prepare(c.geometry, c.tensors, { memoryBudgetBytes: 1000 }), /needs [\d.]+ MiB of memory for this layer, over its budget of 0\.0 MiB/);
  });

  it('refuses weights or inputs whose lengths do not match the geometry', async () => {
    const c = fixtureCases()[0];
    await assert.rejects(kernel.prepare(c.geometry, { weight: new Float32Array(3), bias: c.tensors.bias }), /weight has 3 elements, expected 135/);
    const prepared = await kernel.prepare(c.geometry, c.tensors);
    assert.throws(() => prepared.run(new Float32Array(5)), /input has 5 elements, expected 192/);
    prepared.dispose();
    assert.throws(() => prepared.execute(), /disposed/);
  });

  it('refuses a transposed conv whose padding exceeds dilation x (kernel - 1), which it cannot express', async () => {
    const g = geometryFor('ConvTranspose2d', { in_channels: 2n, out_channels: 2n, kernel_size: 3n, padding: 3n }, [1, 2, 8, 8]);
    const sizes = tensorSizes(g);
    await assert.rejects(kernel.prepare(g, { weight: new Float32Array(sizes.weight), bias: new Float32Array(sizes.bias) }), /padding larger than dilation x \(kernel - 1\)/);
  });

  it('refuses relaxed SIMD when the runtime lacks it', async function () {
    if (relaxedFlag) this.skip();
    await assert.rejects(loadBuiltKernel('relaxed-simd'), /relaxed SIMD was requested/);
  });
});

/** Values that vary along every axis without repeating soon: sin(i x 0.7). */
function ramp(length: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => Math.sin(i * 0.7));
}
