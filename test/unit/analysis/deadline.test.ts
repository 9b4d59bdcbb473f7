import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/analysis';
import type { AnalysisOptions, FileAnalysis } from '../../../src/analysis/types';

// The deadline is read from a clock the caller supplies. These tests use a clock that advances
// one millisecond per reading, so when the deadline falls depends on work done, not on the machine.

function steppingClock(): () => number {
  let now = 0;
  return () => now++;
}

function analyze(source: string, options: Partial<AnalysisOptions> = {}): FileAnalysis {
  return analyzeFile(source, { file: '/project/net.py', host: { readFile: () => undefined }, budget: { steps: 1e12 }, ...options });
}

const NET = `class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
`;

const RUNAWAY = `import torch.nn as nn
x = 0
for i in range(100000):
    for j in range(100000):
        x = x + 1
y = x
${NET}`;

describe('analysis: a wall-clock deadline ends the analysis like a spent step budget', () => {
  it('skips the rest of the file as one entry naming the deadline', () => {
    const result = analyze(RUNAWAY, { deadlineMs: 40, clock: steppingClock() });
    assert.deepEqual(result.unresolved, [
      { line: 3, column: 0, what: 'skipped: 3 top-level statements, lines 3-10', why: 'analysis deadline of 40 ms reached' },
    ]);
    assert.deepEqual(result.models, []);
  });

  it('changes nothing for a file that finishes in time', () => {
    const source = `import torch.nn as nn\n${NET}`;
    const timed = analyze(source, { deadlineMs: 1e9, clock: steppingClock() });
    assert.deepEqual(timed, analyze(source));
    assert.equal(timed.models[0].totals.conv_params, 224n);
  });

  it('stops a model whose construction runs past it, without a figure', () => {
    const source = `import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
        n = 0
        while n >= 0:
            for j in range(100000):
                n = n + 1
        self.b = nn.Conv2d(8, 8, 3)
`;
    const result = analyze(source, { deadlineMs: 40, clock: steppingClock() });
    const [model] = result.models;
    assert.equal(model.totals.conv_macs, null);
    assert.equal(model.totals.params, null);
    assert.ok(result.unresolved.some((u) => u.why === 'analysis deadline of 40 ms reached'), JSON.stringify(result.unresolved));
  });
});
