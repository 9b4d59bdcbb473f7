import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/analysis';
import { pyFloatRepr } from '../../../src/analysis/values/strings';

// Enums as Python has them, and str() only where the analysis makes Python's text. timm's
// PatchEmbed converts its output with `Format(output_fmt)` and `fmt == Format.NHWC` on a
// `class Format(str, Enum)`: both were wrong, so sequencer's stem output was [1, 192, 32, 32]
// where PyTorch gives [1, 32, 32, 192]. Every answer here was checked in Python 3.11.

const ENUMS = `from enum import Enum, IntEnum
class Format(str, Enum):
    NCHW = 'NCHW'
    NHWC = 'NHWC'
class Color(Enum):
    A = 1
    B = 2
    C = 1
class Level(IntEnum):
    LO = 1
    HI = 2
`;

/** Whether `condition` holds (true, false), or null when the analysis leaves it unknown. */
function truth(condition: string, setup = ENUMS): boolean | null {
  const analysis = analyzeFile(`import torch
import torch.nn as nn
${setup}
# conv-lens: input=(1, 3, 8, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4 if ${condition} else 8, 1)

    def forward(self, x):
        return self.conv(x)
`, { file: '/p/net.py', host: { readFile: () => undefined } });
  const out = analysis.models[0]?.layers[0]?.record?.weight_shape?.[0];
  return out === undefined ? null : out === 4n;
}

describe('analysis: Enum members', () => {
  const cases: Array<[string, boolean]> = [
    ["Format('NHWC') is Format.NHWC", true],
    ["Format('NHWC') == Format.NHWC", true],
    ["Format('NCHW') != Format.NCHW", false],
    ["Format.NHWC == 'NHWC'", true],
    ["{'NHWC': 1}.get(Format.NHWC) == 1", true],
    ['Format(Format.NHWC) is Format.NHWC', true],
    ['Color(2) is Color.B', true],
    ['Color.B == 2', false],
    ['Color.C is Color.A', true],
    ['Level.HI > 1', true],
    ['Level(2) is Level.HI', true],
  ];
  for (const [condition, expected] of cases) {
    it(`${condition} is ${expected ? 'True' : 'False'}`, () => assert.equal(truth(condition), expected));
  }

  it('raises Python\'s ValueError for a value that is no member', () => {
    const analysis = analyzeFile(`${ENUMS}\nx = Format('X')\n`, { file: '/p/net.py', host: { readFile: () => undefined } });
    assert.ok(analysis.unresolved.some((u) => u.why === "ValueError: 'X' is not a valid Format"), JSON.stringify(analysis.unresolved));
  });
});

describe('analysis: str() is Python\'s text or unknown', () => {
  it('prints floats as Python\'s repr does', () => {
    const values = [0.1, 1e16, 1.5e16, 1e-5, 0.0001, 123.0, 1 / 3, 2.5e-7, 1e15, 9007199254740993, -0.5, 1e22, 5e-324, 100.0, Infinity, NaN];
    assert.equal(values.map(pyFloatRepr).join(' '), '0.1 1e+16 1.5e+16 1e-05 0.0001 123.0 0.3333333333333333 2.5e-07 1000000000000000.0 9007199254740992.0 -0.5 1e+22 5e-324 100.0 inf nan');
    assert.equal(truth('len(str(1e-5)) == 5', ''), true);
  });

  it('is unknown for values whose text it does not make: objects, enum members, deques, unknowns', () => {
    for (const value of ['Format.NHWC', 'Color.A', 'nn.ReLU()', 'collections.deque([1])', '[hash("x")]']) {
      assert.equal(truth(`len(str(${value})) > 0`, `import collections\n${ENUMS}`), null, value);
    }
  });
});
