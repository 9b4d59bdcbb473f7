import * as assert from 'node:assert/strict';
import { WasmConvKernel, referenceConv } from '../../../src/kernel';
import { fixtureCases } from './cases';
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

  it('auto-detection picks the build this runtime validates', async () => {
    assert.equal((await loadBuiltKernel('auto')).variant, relaxedFlag ? 'relaxed-simd' : 'simd');
  });

  it('refuses a layer whose memory exceeds the budget, saying how much it needs', async () => {
    const c = fixtureCases()[0];
    await assert.rejects(kernel.prepare(c.geometry, c.tensors, { memoryBudgetBytes: 1000 }), /needs [\d.]+ MiB of memory for this layer, over its budget of 0\.0 MiB/);
  });

  it('refuses relaxed SIMD when the runtime lacks it', async function () {
    if (relaxedFlag) this.skip();
    await assert.rejects(loadBuiltKernel('relaxed-simd'), /relaxed SIMD was requested/);
  });
});
