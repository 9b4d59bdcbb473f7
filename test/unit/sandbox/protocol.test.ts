import * as assert from 'node:assert/strict';
import { encodeSpec } from '../../../src/protocol/compare';
import {
  DEFAULT_MEMORY_BUDGET_MB, WorkerReply, isSandboxHostMessage, parseSandboxSettings, parseWorkerReply, parseWorkerRequest, sandboxSettingsMessage,
} from '../../../src/protocol/sandbox';
import { columns, conv, runRequest } from './helpers';

const layer = conv({ type: 'Conv2d', in_channels: 64n, out_channels: 64n, kernel_size: 3n, padding: 1n, groups: 8n });
const request = runRequest(layer, [1n, 64n, 56n, 56n], columns(8n, 64n));

describe('sandbox protocol: page to worker', () => {
  it('accepts a run request and an init with both builds', () => {
    const run = parseWorkerRequest({ type: 'run', runId: 3, request: JSON.parse(JSON.stringify(request)) });
    assert.ok(run.ok, run.ok ? '' : run.error);
    assert.deepEqual(run.value, { type: 'run', runId: 3, request });
    const init = parseWorkerRequest({ type: 'init', simd: new Uint8Array([0, 97, 115, 109]), relaxed: null });
    assert.ok(init.ok && init.value.type === 'init' && init.value.relaxed === null);
  });

  it('names the field that is wrong', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ type: 'run', runId: -1, request }, /run\.runId/],
      [{ type: 'run', runId: 1, request: { ...request, input: ['1', '64', '-56', '56'] } }, /input\[2\]: negative/],
      [{ type: 'run', runId: 1, request: { ...request, input: ['1', '64'] } }, /run\.request\.input/],
      [{ type: 'run', runId: 1, request: { ...request, variants: [] } }, /nothing to run/],
      [{ type: 'run', runId: 1, request: { ...request, variants: [{ id: 'x', title: 'x', groups: '0' }] } }, /groups: must be positive/],
      [{ type: 'run', runId: 1, request: { ...request, budgetBytes: 0 } }, /budgetBytes/],
      [{ type: 'run', runId: 1, request: { ...request, timing: { ...request.timing, repeats: 0 } } }, /timing\.repeats/],
      [{ type: 'run', runId: 1, request: { ...request, spec: { ...encodeSpec(layer), groups: '5' } } }, /run\.request\.spec: not a layer PyTorch could construct/],
      [{ type: 'run', runId: 1, request, extra: true }, /unexpected field "extra"/],
      [{ type: 'init', simd: [0, 97], relaxed: null }, /init\.simd: expected non-empty bytes/],
      [{ type: 'launch' }, /message\.type/],
      [null, /expected an object/],
    ];
    for (const [message, error] of cases) {
      const parsed = parseWorkerRequest(message);
      assert.ok(!parsed.ok, JSON.stringify(message));
      assert.match(parsed.error, error);
    }
  });
});

describe('sandbox protocol: worker to page', () => {
  const result: WorkerReply = {
    type: 'result',
    runId: 2,
    result: {
      flavour: 'simd',
      input: ['1', '64', '56', '56'],
      variants: [{
        id: 'this', title: 'This layer', medianMs: 1.25, runs: 9, gflops: 3.7, macs: '14450688', countedRatio: 8, measuredSpeedup: 2.5, intensity: 7.1,
        explanation: 'Memory-bound.', predictedOutput: ['1', '64', '56', '56'], producedOutput: ['1', '64', '56', '56'],
      }],
      checks: [{ id: 'reference', title: 'kernel = reference', input: ['1', '64', '28', '28'], maxError: 1e-6, tolerance: 1e-4, passed: true, skipped: null }],
    },
  };

  it('round-trips every reply through structured data', () => {
    const replies: WorkerReply[] = [
      { type: 'loaded', flavour: 'relaxed-simd' },
      { type: 'loadFailed', message: 'no SIMD' },
      { type: 'progress', runId: 2, done: 3, total: 10, label: 'Timing Dense' },
      { type: 'refused', runId: 2, message: 'over budget', needBytes: 1e9, budgetBytes: 5e8, suggestion: ['1', '64', '28', '28'], tooLarge: ['g1'] },
      result,
      { type: 'failed', runId: 2, message: 'boom' },
    ];
    for (const reply of replies) assert.deepEqual(parseWorkerReply(JSON.parse(JSON.stringify(reply))), { ok: true, value: reply });
  });

  it('rejects impossible progress, non-finite timings and unknown flavours', () => {
    assert.match((parseWorkerReply({ type: 'progress', runId: 1, done: 11, total: 10, label: '' }) as { error: string }).error, /progress\.done/);
    const bad = JSON.parse(JSON.stringify(result));
    bad.result.variants[0].medianMs = -1;
    assert.match((parseWorkerReply(bad) as { error: string }).error, /variants\[0\]\.medianMs/);
    bad.result.variants[0].medianMs = 1;
    bad.result.flavour = 'avx';
    assert.match((parseWorkerReply(bad) as { error: string }).error, /flavour/);
  });
});

describe('sandbox protocol: host settings', () => {
  it('routes only its own messages and validates the budget', () => {
    assert.ok(isSandboxHostMessage({ type: 'sandboxSettings', memoryBudgetMB: 512 }));
    assert.ok(!isSandboxHostMessage({ type: 'showLayer' }));
    assert.deepEqual(parseSandboxSettings({ type: 'sandboxSettings', memoryBudgetMB: 256 }), { ok: true, value: { type: 'sandboxSettings', memoryBudgetMB: 256 } });
    assert.ok(!parseSandboxSettings({ type: 'sandboxSettings', memoryBudgetMB: 1 }).ok);
    assert.ok(!parseSandboxSettings({ type: 'sandboxSettings', memoryBudgetMB: 256, more: 1 }).ok);
  });

  it('turns a setting into a valid message, clamping it and defaulting junk', () => {
    assert.equal(sandboxSettingsMessage(100000).memoryBudgetMB, 4096);
    assert.equal(sandboxSettingsMessage(2).memoryBudgetMB, 16);
    assert.equal(sandboxSettingsMessage('lots').memoryBudgetMB, DEFAULT_MEMORY_BUDGET_MB);
    assert.ok(parseSandboxSettings(sandboxSettingsMessage(300.4)).ok);
  });
});
