import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/analysis';
import type { FileAnalysis } from '../../../src/analysis/types';

// Slice assignment and deletion on lists, as Python does them (timm's efficientvit val2tuple
// inserts with `x[i:i] = [...]`). A statement the analysis cannot follow leaves the list unknown,
// never as it was: a stale list gave a conv 6 channels where Python gives 12.

function afterStatement(statement: string): { text: number | null; analysis: FileAnalysis } {
  const analysis = analyzeFile(`import torch
import torch.nn as nn
# conv-lens: input=(1, 3, 8, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        x = [1, 2]
        ${statement}
        self.conv = nn.Conv2d(3, len(str(x)), 1)

    def forward(self, x):
        return self.conv(x)
`, { file: '/p/net.py', host: { readFile: () => undefined } });
  const shape = analysis.models[0]?.layers[0]?.record?.weight_shape;
  return { text: shape ? Number(shape[0]) : null, analysis };
}

describe('analysis: list slice assignment and deletion', () => {
  // What Python 3.11 prints for x = [1, 2] after each statement.
  const cases: Array<[string, string]> = [
    ['x[-1:-1] = [5, 5]', '[1, 5, 5, 2]'],
    ['x[1:] = [7]', '[1, 7]'],
    ['x[:] = [1, 2, 3, 4]', '[1, 2, 3, 4]'],
    ['x[0:1] = []', '[2]'],
    ['x[::2] = [9]', '[9, 2]'],
    ['x[5:9] = (4,)', '[1, 2, 4]'],
    ['x[-9:-8] = [0]', '[0, 1, 2]'],
    ['del x[0:1]', '[2]'],
    ['del x[::-1]', '[]'],
    // slice objects index as the slices they stand for (timm 0.9's Swin builds its mask with them).
    ['x = x[slice(1, None)]', '[2]'],
    ['x = [0, 1, 2, 3][slice(None, None, 2)]', '[0, 2]'],
    ['x[slice(0, 1)] = [7, 8]', '[7, 8, 2]'],
  ];
  for (const [statement, printed] of cases) {
    it(`${statement} gives ${printed}`, () => assert.equal(afterStatement(statement).text, printed.length));
  }

  it('raises Python\'s ValueError for an extended slice of another size', () => {
    const { analysis } = afterStatement('x[::2] = [9, 9]');
    assert.ok(analysis.unresolved.some((u) => u.why === 'ValueError: attempt to assign sequence of size 2 to extended slice of size 1'));
  });

  it('leaves the list unknown after an assignment at a place that is not known', () => {
    for (const statement of ['x[hash("a"):] = [3]', 'x[hash("a")] = 3', 'del x[hash("a")]']) {
      assert.equal(afterStatement(statement).text, null, statement);
    }
  });
});
