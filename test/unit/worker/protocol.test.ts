import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../../src/analysis';
import { PART_ITEMS, joinResult, parseFromWorker, parseToWorker, splitResult } from '../../../src/protocol/analysis';

const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
const settings = { input: [1n, 3n, 32n, 32n], searchRoots: ['/w'], readableRoots: null, deadlineMs: 5000, maxSteps: 2_000_000, environment: [['TIMM_FUSED_ATTN', '0']] as Array<[string, string]> };

describe('analysis worker protocol', () => {
  it('accepts well-formed messages to the worker', () => {
    const good: unknown[] = [
      { type: 'init', cancel: new SharedArrayBuffer(4) },
      { type: 'init', cancel: null },
      { type: 'open', root: 'file://', path: '/w/a.py', version: 1, text: 'x = 1\n' },
      { type: 'change', root: 'file://', path: '/w/a.py', version: 2, length: 6, changes: [{ from: 4, to: 5, text: '2' }] },
      { type: 'analyze', run: 3, root: 'file://', path: '/w/a.py', version: 2, source: null, settings },
      { type: 'file', root: 'vscode-vfs://github', path: '/w/b.py', text: null },
      { type: 'forget', root: null, path: null },
    ];
    for (const message of good) {
      const parsed = parseToWorker(message);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    }
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['an unknown type', { type: 'eval', code: '1' }, /message\.type/],
    ['an extra field', { type: 'close', root: 'file://', path: '/a.py', extra: 1 }, /unexpected field "extra"/],
    ['a negative version', { type: 'open', root: 'file://', path: '/a.py', version: -1, text: '' }, /open\.version/],
    ['a change ending before it starts', { type: 'change', root: 'file://', path: '/a.py', version: 2, length: 0, changes: [{ from: 5, to: 4, text: '' }] }, /ends before it starts/],
    ['an input shape of numbers', { type: 'analyze', run: 1, root: 'file://', path: '/a.py', version: 1, source: null, settings: { ...settings, input: [1, 3] } }, /positive bigint/],
    ['an environment variable without a value', { type: 'analyze', run: 1, root: 'file://', path: '/a.py', version: 1, source: null, settings: { ...settings, environment: [['HOME']] } }, /\[name, value\] pair/],
    ['a step budget past the range', { type: 'analyze', run: 1, root: 'file://', path: '/a.py', version: 1, source: null, settings: { ...settings, maxSteps: 1e12 } }, /maxSteps: expected an integer from 100000 to 1000000000/],
    ['a step budget that is not an integer', { type: 'analyze', run: 1, root: 'file://', path: '/a.py', version: 1, source: null, settings: { ...settings, maxSteps: 2.5e6 + 0.5 } }, /maxSteps/],
    ['shared memory that is not shared', { type: 'init', cancel: new ArrayBuffer(4) }, /SharedArrayBuffer/],
  ];
  for (const [what, message, error] of bad) {
    it(`rejects ${what}`, () => {
      const parsed = parseToWorker(message);
      assert.ok(!parsed.ok);
      assert.match(parsed.error, error);
    });
  }

  it('rejects a result without its lists, and parts larger than the limit', () => {
    const result = parseFromWorker({ type: 'result', run: 1, analysis: { file: '/a.py', models: [] }, millis: 1, reads: [], stopped: null });
    assert.ok(!result.ok && /declarations/.test(result.error));
    const part = parseFromWorker({ type: 'part', run: 1, model: null, list: 'declarations', items: new Array(PART_ITEMS + 1).fill({}) });
    assert.ok(!part.ok && /at most/.test(part.error));
    const list = parseFromWorker({ type: 'part', run: 1, model: 0, list: 'declarations', items: [] });
    assert.ok(!list.ok && /part\.list/.test(list.error));
  });

  it('splits a large analysis into small parts and joins them back exactly', () => {
    const file = path.resolve(__dirname, '../../fixtures/models/resnet_cifar.py');
    const analysis = analyzeFile(fs.readFileSync(file, 'utf8'), { file, host: { readFile: () => undefined } });
    const before = json(analysis);
    const { parts, rest } = splitResult(7, analysis);
    assert.ok(parts.length > 1);
    assert.ok(parts.every((p) => p.items.length <= PART_ITEMS && p.run === 7));
    assert.equal(json(analysis), before, 'splitting leaves the analysis as it was');
    // Through the wire format: every message is validated on arrival.
    const arrived = parts.map((p) => parseFromWorker(structuredClone(p)));
    const result = parseFromWorker(structuredClone({ type: 'result', run: 7, analysis: rest, millis: 1, reads: [], stopped: null }));
    assert.ok(result.ok && result.value.type === 'result');
    const joined = joinResult(result.value.analysis, arrived.map((p) => {
      assert.ok(p.ok && p.value.type === 'part');
      return p.value;
    }));
    assert.ok(joined.ok);
    assert.equal(json(joined.value), before);
  });
});
