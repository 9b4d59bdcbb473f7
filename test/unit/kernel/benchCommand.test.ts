import * as assert from 'node:assert/strict';
import { benchCommand } from '../../../src/cli/commands/bench';
import { CliIo } from '../../../src/cli/command';
import { loadBuiltKernel } from './loadWasm';

function collector(): CliIo & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', cwd: process.cwd(), out: (t: string) => { io.stdout += t; }, err: (t: string) => { io.stderr += t; } };
  return io;
}

describe('cli: conv-lens bench', () => {
  // The command reads dist/kernel; this builds it first in a fresh clone.
  before(() => loadBuiltKernel());

  it('times "nn.Conv2d(8, 8, 3, padding=1, groups=2)" on 1,8,12,12 and prints JSON with the agreed fields', async () => {
    const io = collector();
    const code = await benchCommand.run(['nn.Conv2d(8, 8, 3, padding=1, groups=2)', '--input', '1,8,12,12', '--repeat', '3', '--json'], io);
    assert.equal(code, 0, io.stderr);
    const result = JSON.parse(io.stdout) as Record<string, unknown>;
    // MACs = N x H x W x C_out x (C_in/g) x k x k = 1 x 12 x 12 x 8 x 4 x 9.
    assert.equal(result.macs, 41472);
    assert.deepEqual(result.output_shape, [1, 8, 12, 12]);
    assert.equal(result.engine, 'conv-lens-wasm');
    assert.equal(result.simd, process.execArgv.includes('--experimental-wasm-relaxed-simd') ? 'relaxed-simd' : 'simd');
    assert.ok(typeof result.median_ms === 'number' && result.median_ms > 0);
    assert.ok(typeof result.gflops === 'number' && result.gflops > 0);
  });

  it('prints median ms and GFLOP/s as text', async () => {
    const io = collector();
    assert.equal(await benchCommand.run(['nn.Conv1d(4, 4, 3, groups=4)', '--input', '2,4,32', '--repeat', '2'], io), 0, io.stderr);
    // MACs = N x W_out x C_out x (C_in/g) x k = 2 x 30 x 4 x 1 x 3.
    assert.match(io.stdout, /median [\d.]+ ms over 2 runs/);
    assert.match(io.stdout, /[\d.]+ GFLOP\/s \(2 x 720 MACs/);
  });

  it('is a usage error without --input, or with more than one thread', async () => {
    const io = collector();
    assert.equal(await benchCommand.run(['nn.Conv2d(3, 8, 3)'], io), 2);
    assert.match(io.stderr, /--input is required/);
    assert.equal(await benchCommand.run(['nn.Conv2d(3, 8, 3)', '--input', '1,3,8,8', '--threads', '4'], io), 2);
    assert.match(io.stderr, /one thread only/);
  });

  it("reports PyTorch's own error for an input the layer cannot take", async () => {
    const io = collector();
    assert.equal(await benchCommand.run(['nn.Conv2d(3, 8, 3)', '--input', '1,4,8,8'], io), 1);
    assert.match(io.stderr, /expected input\[1, 4, 8, 8\] to have 3 channels, but got 4 channels instead/);
  });

  it('times a transposed layer, counting its MACs on the input', async () => {
    const io = collector();
    assert.equal(await benchCommand.run(['nn.ConvTranspose2d(3, 8, 3, stride=2)', '--input', '1,3,8,8', '--repeat', '2', '--json'], io), 0, io.stderr);
    const result = JSON.parse(io.stdout) as Record<string, unknown>;
    // MACs = N x H_in x W_in x C_in x (C_out/g) x k x k = 1 x 8 x 8 x 3 x 8 x 9.
    assert.equal(result.macs, 13824);
    assert.deepEqual(result.output_shape, [1, 8, 17, 17]);
  });
});
