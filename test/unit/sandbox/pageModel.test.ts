import * as assert from 'node:assert/strict';
import { CheckResult, parseWorkerRequest } from '../../../src/protocol/sandbox';
import { filesBesideScript } from '../../../src/webview/sandbox/client';
import { DEFAULT_TIMING, cannotRun, checkLine, runRequest } from '../../../src/webview/sandbox/model';
import { conv } from './helpers';

describe('sandbox page model', () => {
  it('asks for every shown column on a batched input, with the budget in bytes, as a request the worker accepts', () => {
    const layer = conv({ type: 'Conv1d', in_channels: 4n, out_channels: 8n, kernel_size: 3n, groups: 2n });
    const request = runRequest(layer, [4n, 100n], [{ id: 'this', title: 'This layer', groups: 2n }, { id: 'separable', title: 'Depthwise-separable', groups: null }], 64);
    assert.deepEqual(request.input, ['1', '4', '100']);
    assert.deepEqual(request.variants, [{ id: 'this', title: 'This layer', groups: '2' }, { id: 'separable', title: 'Depthwise-separable', groups: null }]);
    assert.equal(request.budgetBytes, 64 * 1024 * 1024);
    assert.deepEqual(request.timing, DEFAULT_TIMING);
    assert.ok(parseWorkerRequest({ type: 'run', runId: 1, request }).ok);
  });

  it('says why a layer cannot run on the kernel', () => {
    assert.equal(cannotRun(conv({ type: 'ConvTranspose2d', in_channels: 4n, out_channels: 4n, kernel_size: 3n })), null);
    assert.match(cannotRun(conv({ type: 'Conv2d', in_channels: 4n, out_channels: 4n, kernel_size: 3n, padding: 1n, padding_mode: 'reflect' }))!, /padding_mode='reflect'/);
    assert.equal(cannotRun(conv({ type: 'Conv3d', in_channels: 4n, out_channels: 4n, kernel_size: 3n })), null);
  });

  it('writes one line per check: passed, failed or skipped, with the error against the tolerance', () => {
    const check: CheckResult = { id: 'slices', title: 'groups=8 conv = 8 convs', input: ['1', '64', '14', '14'], maxError: 3.5e-7, tolerance: 1.2e-4, passed: true, skipped: null };
    assert.equal(checkLine(check), 'Passed: groups=8 conv = 8 convs on 1x64x14x14; max error 3.50e-7 (tolerance 1.2e-4)');
    assert.match(checkLine({ ...check, passed: false, maxError: 0.5 }), /^FAILED: .* max error 5\.00e-1/);
    assert.equal(checkLine({ ...check, passed: false, skipped: 'more than 1024 groups' }), 'Skipped: groups=8 conv = 8 convs (more than 1024 groups)');
  });

  it('finds the worker beside the page script and the kernel in dist/kernel, on a webview resource URL', () => {
    const files = filesBesideScript('https://file+.vscode-resource.vscode-cdn.net/home/u/.vscode/extensions/conv-lens/dist/webview/main.js');
    assert.equal(files.worker, 'https://file+.vscode-resource.vscode-cdn.net/home/u/.vscode/extensions/conv-lens/dist/webview/sandboxWorker.js');
    assert.equal(files.simd, 'https://file+.vscode-resource.vscode-cdn.net/home/u/.vscode/extensions/conv-lens/dist/kernel/conv-simd.wasm');
    assert.equal(files.relaxed, 'https://file+.vscode-resource.vscode-cdn.net/home/u/.vscode/extensions/conv-lens/dist/kernel/conv-relaxed.wasm');
  });
});
