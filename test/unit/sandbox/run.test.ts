import * as assert from 'node:assert/strict';
import { ConvGeometry, ConvTensors, WasmConvKernel, referenceConv } from '../../../src/kernel';
import { decodeInts } from '../../../src/protocol/compare';
import { fitBudget } from '../../../src/sandbox/budget';
import { blockDiagonalVsGrouped, checkInput, groupedVsSlices, kernelVsReference, separableVsComposed } from '../../../src/sandbox/checks';
import { planVariants } from '../../../src/sandbox/layers';
import { RunOutcome, runSandbox } from '../../../src/sandbox/run';
import { loadBuiltKernel } from '../kernel/loadWasm';
import { columns, conv, runRequest } from './helpers';

const now = (): number => performance.now();
type Runner = (g: ConvGeometry, t: ConvTensors) => Promise<Float32Array>;

describe('sandbox run (real WebAssembly kernel in Node)', function () {
  this.timeout(120_000);
  let kernel: WasmConvKernel;
  before(async () => {
    kernel = await loadBuiltKernel('simd');
  });

  async function run(request: ReturnType<typeof runRequest>): Promise<{ outcome: RunOutcome; progress: Array<[number, number]> }> {
    const progress: Array<[number, number]> = [];
    const outcome = await runSandbox(request, { kernel, now, progress: (done, total) => progress.push([done, total]) });
    return { outcome, progress };
  }

  it('times every column of nn.Conv2d(64, 64, 3, padding=1, groups=8) and passes every check', async () => {
    const layer = conv({ type: 'Conv2d', in_channels: 64n, out_channels: 64n, kernel_size: 3n, padding: 1n, groups: 8n });
    const { outcome, progress } = await run(runRequest(layer, [1n, 64n, 28n, 28n], columns(8n, 64n)));
    assert.equal(outcome.type, 'result', JSON.stringify(outcome));
    if (outcome.type !== 'result') return;
    const { variants, checks, flavour } = outcome.result;
    assert.equal(flavour, 'simd');
    assert.deepEqual(variants.map((v) => v.id), ['this', 'g1', 'g64', 'separable']);
    for (const v of variants) {
      assert.ok(v.medianMs > 0 && v.runs >= 3, `${v.id} ran ${v.runs} times`);
      assert.deepEqual(v.producedOutput, v.predictedOutput, v.id);
      assert.ok(Math.abs(v.gflops - (2 * Number(v.macs)) / (v.medianMs * 1e6)) < 1e-9);
    }
    assert.deepEqual(variants.map((v) => v.predictedOutput.join('x')), ['1x64x28x28', '1x64x28x28', '1x64x28x28', '1x64x28x28']);
    // The MAC counts are the core's: 28*28*64*(64/g)*9 and 28*28*64*(9 + 64) for the pair.
    assert.deepEqual(variants.map((v) => v.macs), ['3612672', '28901376', '451584', '3662848']);
    assert.equal(variants[0].countedRatio, 8);
    assert.equal(variants[1].countedRatio, null);
    assert.ok(variants[0].measuredSpeedup !== null && variants[0].explanation.length > 0);
    assert.deepEqual(checks.map((c) => [c.id, c.passed]), [['reference', true], ['slices', true], ['block-diagonal', true], ['separable', true]]);
    assert.equal(checks[1].title, 'groups=8 conv = concatenation of 8 separate convs on channel slices');
    // Progress climbs to the total and never past it.
    const total = progress[0][1];
    assert.deepEqual(progress[progress.length - 1], [total, total]);
    assert.ok(progress.every(([done], i) => done <= total && (i === 0 || done >= progress[i - 1][0])));
  });

  it('uses the first grouped column for the groups checks when the layer itself is dense, and runs Conv1d and Conv3d', async () => {
    const dense1d = conv({ type: 'Conv1d', in_channels: 16n, out_channels: 32n, kernel_size: 5n, stride: 2n, padding: 2n, bias: false });
    const one = await run(runRequest(dense1d, [2n, 16n, 100n], columns(1n, 4n)));
    assert.equal(one.outcome.type, 'result');
    if (one.outcome.type !== 'result') return;
    assert.deepEqual(one.outcome.result.variants.map((v) => v.producedOutput.join('x')), ['2x32x50', '2x32x50', '2x32x50']);
    assert.deepEqual(one.outcome.result.checks.map((c) => [c.title.slice(0, 9), c.passed]), [['WebAssemb', true], ['groups=4 ', true], ['dense con', true], ['depthwise', true]]);

    const grouped3d = conv({ type: 'Conv3d', in_channels: 8n, out_channels: 8n, kernel_size: 3n, padding: 1n, groups: 2n });
    const three = await run(runRequest(grouped3d, [1n, 8n, 6n, 8n, 8n], columns(2n, null)));
    assert.equal(three.outcome.type, 'result');
    if (three.outcome.type === 'result') assert.ok(three.outcome.result.checks.every((c) => c.passed));
  });

  it('refuses a run over the memory budget before allocating, and offers a smaller input that fits', async () => {
    const layer = conv({ type: 'Conv2d', in_channels: 64n, out_channels: 64n, kernel_size: 3n, padding: 1n, groups: 8n });
    const { outcome, progress } = await run(runRequest(layer, [8n, 64n, 512n, 512n], columns(8n, 64n), 64));
    assert.equal(outcome.type, 'refused');
    if (outcome.type !== 'refused') return;
    assert.equal(progress.length, 0, 'nothing ran');
    assert.ok(outcome.needBytes > 64 * 1024 * 1024);
    assert.match(outcome.message, /over the sandbox's budget of 64 MiB \(setting convLens\.sandbox\.memoryBudgetMB\)\. An input of 8x64x\d+x\d+ fits\./);
    const suggestion = decodeInts(outcome.suggestion!);
    const fit = fitBudget(layer, suggestion, columns(8n, 64n), 64 * 1024 * 1024);
    assert.ok(fit.fits);
    // The suggestion is the largest halving that fits: twice its spatial size does not.
    const doubled = [suggestion[0], suggestion[1], suggestion[2] * 2n, suggestion[3] * 2n];
    assert.ok(!fitBudget(layer, doubled, columns(8n, 64n), 64 * 1024 * 1024).fits);
  });

  it('offers to leave out the largest columns when no input fits, or says nothing fits', () => {
    const huge = conv({ type: 'Conv2d', in_channels: 4096n, out_channels: 4096n, kernel_size: 3n, padding: 1n });
    // 4096 x 4096 x 9 weights are 576 MiB drawn and 576 MiB packed; the pair's 1x1 alone is 128 MiB: nothing fits 64 MiB.
    const fit = fitBudget(huge, [1n, 4096n, 8n, 8n], columns(1n, null), 64 * 1024 * 1024);
    assert.ok(!fit.fits && fit.suggestion === null);
    if (!fit.fits) {
      assert.match(fit.message, /about 1\.26 GiB for tensors.* No smaller input fits\.$/);
      assert.deepEqual(fit.tooLarge, []);
    }
    // A million-channel depthwise layer fits; its dense version (10^12 x 9 weights) and the pair's 1x1 (10^12) cannot.
    const depthwise = conv({ type: 'Conv2d', in_channels: 1000000n, out_channels: 1000000n, kernel_size: 3n, padding: 1n, groups: 1000000n });
    const wide = fitBudget(depthwise, [1n, 1000000n, 56n, 56n], columns(1000000n, null), 512 * 1024 * 1024);
    assert.ok(!wide.fits && wide.suggestion === null);
    if (!wide.fits) {
      assert.match(wide.message, /No smaller input fits, mostly for weights: Dense needs [\d.]+ TiB, Depthwise-separable needs [\d.]+ TiB; the other columns fit without them\.$/);
      assert.deepEqual(wide.tooLarge, ['g1', 'separable']);
    }
    // Without them, the layer itself runs once its input is halved enough.
    const alone = fitBudget(depthwise, [1n, 1000000n, 56n, 56n], [columns(1000000n, null)[0]], 512 * 1024 * 1024);
    assert.ok(!alone.fits && alone.suggestion !== null);
  });

  it('skips a check that alone would exceed the budget, and says so, after timing what fits', async () => {
    // Depthwise 512 channels: the layer and its pair fit 16 MiB; the separable check's dense conv (512 x 512 x 9 weights, twice) does not.
    const layer = conv({ type: 'Conv2d', in_channels: 512n, out_channels: 512n, kernel_size: 3n, padding: 1n, groups: 512n });
    const variants = [{ id: 'this', title: 'This layer', groups: '512' }, { id: 'separable', title: 'Depthwise-separable', groups: null }];
    const { outcome } = await run(runRequest(layer, [1n, 512n, 8n, 8n], variants, 16));
    assert.equal(outcome.type, 'result', JSON.stringify(outcome));
    if (outcome.type !== 'result') return;
    const [reference, slices, blockDiagonal, separable] = outcome.result.checks;
    assert.ok(reference.passed && slices.passed, JSON.stringify([reference, slices]));
    for (const check of [blockDiagonal, separable]) {
      assert.equal(check.passed, false);
      assert.match(check.skipped ?? '', /^it would need [\d.]+ MiB, over the memory budget$/);
    }
  });

  it('runs a grouped transposed conv, its checks included, with the output shape PyTorch gives', async () => {
    const transposed = conv({ type: 'ConvTranspose2d', in_channels: 16n, out_channels: 8n, kernel_size: 4n, stride: 2n, padding: 1n, output_padding: 1n, groups: 4n });
    const variants = [{ id: 'this', title: 'This layer', groups: '4' }, { id: 'g1', title: 'Dense', groups: '1' }, { id: 'g8', title: 'groups=8', groups: '8' }];
    const { outcome } = await run(runRequest(transposed, [1n, 16n, 10n, 10n], variants));
    assert.equal(outcome.type, 'result', JSON.stringify(outcome));
    if (outcome.type !== 'result') return;
    // (10 - 1) x 2 - 2 + 3 + 1 + 1 = 21.
    assert.deepEqual(outcome.result.variants.map((v) => v.producedOutput.join('x')), ['1x8x21x21', '1x8x21x21', '1x8x21x21']);
    assert.deepEqual(outcome.result.variants.map((v) => v.predictedOutput.join('x')), ['1x8x21x21', '1x8x21x21', '1x8x21x21']);
    assert.deepEqual(outcome.result.checks.map((c) => [c.id, c.passed]), [['reference', true], ['slices', true], ['block-diagonal', true]]);
  });

  it('reports a layer the kernel cannot run instead of running it', async () => {
    // PyTorch accepts padding past dilation x (kernel - 1) for a transposed conv; the kernel does not.
    const transposed = conv({ type: 'ConvTranspose2d', in_channels: 8n, out_channels: 8n, kernel_size: 3n, padding: 3n });
    const { outcome } = await run(runRequest(transposed, [1n, 8n, 8n, 8n], [{ id: 'this', title: 'This layer', groups: '1' }]));
    assert.equal(outcome.type, 'failed');
    if (outcome.type === 'failed') assert.match(outcome.message, /padding larger than dilation x \(kernel - 1\)/);
    const tooSmall = planVariants(conv({ type: 'Conv2d', in_channels: 8n, out_channels: 8n, kernel_size: 5n }), [1n, 8n, 3n, 3n], columns(1n, null));
    assert.ok(!tooSmall.ok);
  });

  describe('equivalence checks catch a wrong kernel', () => {
    const layer = conv({ type: 'Conv2d', in_channels: 16n, out_channels: 32n, kernel_size: 3n, stride: 2n, padding: 1n, groups: 4n });
    const input = [1n, 16n, 12n, 12n];
    // A kernel whose grouped path is off by 0.5 in its last output (dense convs are right): each check must notice.
    const broken = (g: ConvGeometry, t: ConvTensors): Promise<Float32Array> => {
      const out = referenceConv(g, t);
      if (g.groups > 1) out[out.length - 1] += 0.5;
      return Promise.resolve(out);
    };
    const right = (g: ConvGeometry, t: ConvTensors): Promise<Float32Array> => kernel.run(g, t);

    it('kernel vs reference', async () => {
      assert.ok((await kernelVsReference(right, layer, input, 1)).passed);
      const bad = await kernelVsReference(broken, layer, input, 1);
      assert.ok(!bad.passed && Math.abs(bad.maxError - 0.5) < 1e-3);
    });

    for (const [name, check] of [
      ['grouped vs slices', (r: Runner) => groupedVsSlices(r, layer, 4n, input, 2)],
      ['block-diagonal dense vs grouped', (r: Runner) => blockDiagonalVsGrouped(r, layer, 4n, input, 3)],
      ['depthwise then pointwise vs composed dense', (r: Runner) => separableVsComposed(r, layer, input, 4)],
    ] as const) {
      it(name, async () => {
        const good = await check(right);
        assert.ok(good.passed && good.maxError < good.tolerance, `${good.title}: ${good.maxError}`);
        const bad = await check(broken);
        // In the pair the error passes through the pointwise weights, so it is smaller than 0.5 but far over tolerance.
        assert.ok(!bad.passed && bad.maxError > 10 * bad.tolerance, `${bad.title}: ${bad.maxError}`);
      });
    }
  });

  it('shrinks the checks input until dense costs at most 8M MACs, keeping a valid forward', () => {
    const layer = conv({ type: 'Conv2d', in_channels: 256n, out_channels: 256n, kernel_size: 3n, padding: 1n, groups: 256n });
    // Dense costs 256*256*9 = 589,824 MACs per output position: 4x4 is 9.4M, 2x2 fits.
    assert.deepEqual(checkInput(layer, [4n, 256n, 224n, 224n]), [1n, 256n, 2n, 2n]);
    const unbatched = conv({ type: 'Conv1d', in_channels: 4n, out_channels: 4n, kernel_size: 3n });
    assert.deepEqual(checkInput(unbatched, [4n, 10n]), [1n, 4n, 10n]);
  });
});
