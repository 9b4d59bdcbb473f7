import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/analysis';
import type { FileAnalysis } from '../../../src/analysis/types';

// Native torch modules keep what their constructors set aside until code reads or writes it
// (see DeferredInit in values.ts). These snippets read, write and subclass them in the ways
// models do; every figure below was printed by PyTorch 1.13 running the same code.

function analyze(source: string): FileAnalysis {
  return analyzeFile(source, { file: '/project/net.py', host: { readFile: () => undefined } });
}

const HEADER = 'import torch\nimport torch.nn as nn\n\n';

describe('analysis: attributes of native modules', () => {
  const source = `${HEADER}class Scaled(nn.BatchNorm2d):
    def __init__(self, c):
        self.scale = 2
        super().__init__(c * self.scale, affine=True)
        self.gain = nn.Parameter(torch.zeros(c))

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(self.conv.out_channels, momentum=0.01)
        self.fc = nn.Linear(self.bn.num_features, 10 + self.conv.kernel_size[0] - 3)
        self.head = nn.Conv2d(self.fc.out_features, self.conv.stride[0] * 4, 1, bias=hasattr(self.bn, 'weight'))
        self.conv.bias = None
        self.scaled = Scaled(self.head.out_channels)
        self.pool = nn.MaxPool2d(self.head.kernel_size[0] + 1)

    def forward(self, x):
        x = self.bn(self.conv(x))
        return self.scaled(self.pool(self.head(self.fc(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2))).repeat(1, 2, 1, 1))

Net()(torch.randn(1, 3, 8, 8))
`;

  it('reads constructor arguments and built attributes, and counts parameters as PyTorch does', () => {
    const [model] = analyze(source).models;
    assert.deepEqual(model.modules.map((m) => [m.name, m.params]), [
      ['conv', 216n], ['bn', 16n], ['fc', 90n], ['head', 88n], ['scaled', 40n], ['pool', 0n],
    ]);
    assert.equal(model.totals.params, 450n);
  });

  it('runs the forward on the attributes read back', () => {
    const [model] = analyze(source).models;
    assert.deepEqual(model.layers.map((l) => [l.name, l.record?.output_shape]), [
      ['conv', [1n, 8n, 4n, 4n]],
      ['head', [1n, 8n, 4n, 4n]],
    ]);
  });
});

describe('analysis: binding the arguments of native modules', () => {
  const cases: Array<[string, string]> = [
    ['nn.BatchNorm2d(64, num_features=3)', "TypeError: BatchNorm2d.__init__() got multiple values for argument 'num_features'"],
    ['nn.Linear(3)', "TypeError: Linear.__init__() missing 1 required positional argument: 'out_features'"],
    ['nn.Linear(3, 4, bias=False, scale=2)', "TypeError: Linear.__init__() got an unexpected keyword argument 'scale'"],
    ['nn.GroupNorm(3, 8)', 'ValueError: num_channels must be divisible by num_groups'],
  ];
  for (const [call, why] of cases) {
    it(`reports ${call} as Python does`, () => {
      const result = analyze(`${HEADER}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.layer = ${call}\n`);
      const [model] = result.models;
      assert.deepEqual(result.unresolved.filter((u) => u.what !== 'Net').map((u) => u.why), [why]);
      // The layer was never built, so the model's totals are unknown, with the same reason at the class.
      assert.equal(model.totals.params, null);
      assert.deepEqual(result.unresolved.filter((u) => u.what === 'Net').map((u) => u.why), [`totals unknown: self.layer = ${call}: ${why}`]);
    });
  }

  it('binds keywords in any order', () => {
    const [model] = analyze(`${HEADER}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(bias=False, out_features=5, in_features=self.w())\n        self.out = nn.Linear(self.fc.out_features, self.fc.in_features)\n\n    def w(self):\n        return 4\n`).models;
    assert.deepEqual(model.modules.map((m) => [m.name, m.params]), [['fc', 20n], ['out', 24n]]);
  });
});
