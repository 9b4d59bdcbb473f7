import * as assert from 'node:assert/strict';
import { runCli } from './run';

/** Parses JSON keeping every integer exact, so a test can tell 2^53 + 1 from 2^53. */
function parseExact(text: string): Record<string, unknown> {
  return JSON.parse(text.replace(/(?<=[:\[,\s])(-?\d{16,})(?=[,\]\s}])/g, '"$1"')) as Record<string, unknown>;
}

describe('cli: conv-lens layer', () => {
  it('reproduces MobileNet v1 Table 3 for the dense 3x3 512->512 conv on 14x14 and its separable replacement', async () => {
    const run = await runCli(['layer', 'nn.Conv2d(512, 512, 3, padding=1, bias=False)', '--input', '1,512,14,14', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const json = parseExact(run.stdout);
    assert.equal(json.params, 2359296);
    assert.equal(json.macs, 462422016);
    assert.equal(json.flops, 924844032);
    assert.deepEqual(json.weight_shape, [512, 512, 3, 3]);
    assert.deepEqual(json.output_shape, [1, 512, 14, 14]);
    const separable = json.separable as Record<string, Record<string, unknown> | number>;
    assert.equal((separable.depthwise as Record<string, unknown>).params, 4608);
    assert.equal((separable.depthwise as Record<string, unknown>).macs, 903168);
    assert.equal((separable.pointwise as Record<string, unknown>).params, 262144);
    assert.equal((separable.pointwise as Record<string, unknown>).macs, 51380224);
    assert.equal(separable.params, 266752);
    assert.equal(separable.macs, 52283392);
    assert.equal((separable.macs_ratio as number).toFixed(4), '0.1131');
    assert.equal((separable.mobilenet_ratio as number).toFixed(4), (1 / 512 + 1 / 9).toFixed(4));
  });

  it('counts a grouped ConvTranspose2d(64, 32, 4, stride=2, padding=1, groups=8) on 1x64x16x16 on its input', async () => {
    const run = await runCli(['layer', 'nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1, groups=8)', '--input', '1,64,16,16', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const json = parseExact(run.stdout);
    assert.equal(json.params, 4128);
    assert.equal(json.macs, 1048576);
    assert.deepEqual(json.output_shape, [1, 32, 32, 32]);
    assert.deepEqual(json.weight_shape, [64, 4, 4, 4]);
    assert.equal(json.kind, 'grouped');
  });

  it('shows the readable table with the dense comparison', async () => {
    const run = await runCli(['layer', 'nn.Conv2d(64, 64, 3, padding=1, groups=8)', '--input', '1,64,56,56']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /groups=8 has 8x fewer weights and MACs than dense \(4,608 vs 36,864 weights\)/);
    assert.match(run.stdout, /Depthwise-separable replacement/);
  });

  it('prints PyTorch\'s message on stderr and exits 1 for an invalid layer', async () => {
    const run = await runCli(['layer', 'nn.Conv2d(30, 64, 3, groups=8)']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'in_channels must be divisible by groups\n');
  });

  it('prints a forward error (input channels) on stderr and exits 1', async () => {
    const run = await runCli(['layer', 'nn.Conv2d(3, 64, 3)', '--input', '1,1,32,32']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Given groups=1, weight of size \[64, 3, 3, 3\], expected input\[1, 1, 32, 32\] to have 3 channels, but got 1 channels instead/);
  });

  it('keeps integers exact past 2^53 in JSON', async () => {
    const run = await runCli(['layer', 'nn.Conv2d(10**12, 10**12, 3, bias=False)', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /"params": 9000000000000000000000000,/);
  });

  it('exits 2 with help on a usage error', async () => {
    const run = await runCli(['layer', 'nn.Conv2d(3, 8, 3)', '--input', 'a,b']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /invalid shape/);
    assert.match(run.stderr, /Usage: conv-lens layer/);
  });

  it('answers --help for the command and the tool', async () => {
    assert.match((await runCli(['layer', '--help'])).stdout, /Usage: conv-lens layer/);
    const top = await runCli(['--help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /layer/);
    assert.equal((await runCli(['nope'])).code, 2);
  });
});
