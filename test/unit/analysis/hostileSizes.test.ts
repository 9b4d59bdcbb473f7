import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/analysis';
import type { FileAnalysis } from '../../../src/analysis/types';

// Work inside torch-library calls is charged by the size of their arguments, and a conv's size
// tuple past 64 items is unknown with the reason. Each input below once ran for seconds within
// the step budget; here each must end with what it skipped said, and the rest intact.

function analyze(body: string): FileAnalysis {
  const init = body.split('\n').map((l) => `        ${l}`).join('\n');
  const text = `import torch\nimport torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 8, 3)\n${init}\n`;
  return analyzeFile(text, { file: '/project/net.py', host: { readFile: () => undefined } });
}

const whys = (r: FileAnalysis): string => r.unresolved.map((u) => u.why).join(' | ');

describe('analysis: hostile sizes in torch-library calls', () => {
  it('a conv built with kernel_size=(3,) * 1000000 in a loop (fuzz seed 1 #504) is unknown with the reason, and the loop runs out of steps', () => {
    const r = analyze('m = nn.Sequential()\nfor i in range(100000):\n    m = nn.Sequential(m)\n    k = nn.Conv2d(3, 8, kernel_size=(3,) * 1000000)');
    assert.match(whys(r), /a conv size argument of 1,000,000 items is not followed/);
    assert.match(whys(r), /step budget exceeded/);
  });

  for (const name of ['stride', 'padding', 'dilation']) {
    it(`a conv whose ${name} has 65 items is unknown, with the reason`, () => {
      const r = analyze(`k = nn.Conv2d(3, 8, 3, ${name}=(1,) * 65)`);
      assert.match(whys(r), /a conv size argument of 65 items is not followed/);
    });
  }

  it('a conv whose sizes have 3 items is still built (the limit is far above any real conv)', () => {
    const r = analyze('k = nn.Conv3d(3, 8, kernel_size=(3, 3, 3), stride=(1, 2, 2))');
    assert.equal(r.unresolved.length, 0, whys(r));
  });

  for (const call of ['torch.randn(*((1,) * 1000000))', 'x.expand(*((1,) * 1000000))', 'x.repeat(*((1,) * 1000000))', 'torch.ones((1,) * 1000000)']) {
    it(`${call} in a loop runs out of steps instead of running for seconds`, () => {
      const r = analyze(`x = torch.randn(1, 3, 8, 8)\nfor i in range(100000):\n    y = ${call}`);
      assert.match(whys(r), /step budget exceeded/);
      assert.equal(r.models[0].entry, 'Net');
    });
  }

  it('an error quoting a million sizes is cut to about 2,000 characters', () => {
    const r = analyze('x = torch.randn(1, 3, 8, 8)\ny = x.view((1,) * 1000000)');
    const why = r.unresolved.find((u) => u.what.startsWith('y = x.view'))?.why ?? '';
    assert.match(why, /^RuntimeError: shape '\[1, 1, 1/);
    assert.match(why, /characters cut/);
    assert.ok(why.length <= 2_000, `${why.length} characters`);
  });

  it('list.extend past a million items is unknown with the reason, not a list of a billion', () => {
    const r = analyze('xs = [0] * 1000\nfor i in range(40):\n    xs.extend(xs)');
    assert.match(whys(r), /a sequence of 1,024,000 items is too long to follow/);
  });
});

describe('analysis: negative sizes get PyTorch\'s error (fuzz findings)', () => {
  function forward(layers: string, body: string): FileAnalysis {
    const text = `import torch\nimport torch.nn as nn\n\nclass N(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.c = nn.Conv2d(3, 8, 3)\n${layers.split('\n').map((l) => `        ${l}`).join('\n')}\n\n    def forward(self, x):\n${body.split('\n').map((l) => `        ${l}`).join('\n')}\n\n\nmodel = N()\ny = model(torch.randn(2, 3, 16, 16))\n`;
    return analyzeFile(text, { file: '/project/net.py', host: { readFile: () => undefined } });
  }
  const everything = (r: FileAnalysis): string => [...r.unresolved.map((u) => u.why), ...r.diagnostics.map((d) => d.message)].join(' | ');
  const noNegative = (r: FileAnalysis): void => {
    const text = JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
    assert.doesNotMatch(text, /"shape":\[[^\]]*-\d/);
  };

  const cases: Array<[string, string, string, RegExp]> = [
    ['AdaptiveAvgPool2d((-1, 1)) (seed 2026 #1250, squeezenet)', 'self.p = nn.AdaptiveAvgPool2d((-1, 1))', 'return self.p(self.c(x))', /adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received \{-1, 1\}/],
    ['AdaptiveAvgPool1d(-3)', 'self.p = nn.AdaptiveAvgPool1d(-3)', 'return self.p(self.c(x).flatten(2))', /adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received \{1, -3\}/],
    ['AdaptiveMaxPool2d((-1, 1))', 'self.p = nn.AdaptiveMaxPool2d((-1, 1))', 'return self.p(self.c(x))', /Trying to create tensor with negative dimension -1: \[2, 8, -1, 1\]/],
    ['expand(n, -1, -2) (seed 99 #1000, convnext_vit)', 'self.t = nn.Parameter(torch.zeros(1, 1, 8))', 'return self.t.expand(x.shape[0], -1, -2)', /The expanded size of the tensor \(-2\) must match the existing size \(8\) at non-singleton dimension 2\.  Target sizes: \[2, -1, -2\]\.  Tensor sizes: \[1, 1, 8\]/],
    ['expand with -1 in a new leading dim', 'self.t = nn.Parameter(torch.zeros(1, 8))', 'return self.t.expand(-1, 2, 8)', /The expanded size of the tensor \(-1\) isn't allowed in a leading, non-existing dimension 0/],
    ['repeat(-1, 2)', '', 'return self.c(x).flatten(1).repeat(-1, 2)', /Trying to create tensor with negative dimension -2: \[-2, /],
    ['PixelShuffle(-64) (seed 5 #17719, espcn_fpn)', 'self.p = nn.PixelShuffle(-64)', 'return self.p(self.c(x))', /pixel_shuffle expects a positive upscale_factor, but got -64/],
    ['PixelUnshuffle(-2)', 'self.p = nn.PixelUnshuffle(-2)', 'return self.p(self.c(x))', /pixel_unshuffle expects a positive downscale_factor, but got -2/],
  ];
  for (const [name, layers, body, why] of cases) {
    it(name, () => {
      const r = forward(layers, body);
      assert.match(everything(r), why);
      noNegative(r);
    });
  }
});

describe('analysis: an unknown item appended to a container in an endless loop (fuzz seed 5 #18820)', () => {
  it('marks the container once and runs out of steps, instead of walking its children on each append', () => {
    const r = analyze('self.stages = nn.ModuleList()\nwhile True:\n    self.stages.append(undefined_block())');
    assert.match(whys(r), /step budget exceeded/);
    assert.equal(r.models[0].entry, 'Net');
  });
});

describe('analysis: work the budget charges besides statements (fuzz seed 2027)', () => {
  // A small budget shows what each thing costs without timing anything: 500 of them pass 100,000
  // steps only when each costs what it takes (before, each cost a few steps and ran for seconds).
  function withBudget(body: string, steps: number): FileAnalysis {
    const init = body.split('\n').map((l) => `        ${l}`).join('\n');
    const text = `import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 8, 3)\n${init}\n`;
    return analyzeFile(text, { file: '/project/net.py', host: { readFile: () => undefined }, budget: { steps } });
  }

  it('a statement that fails in a loop is charged its recovery (#12254, convnext: 4.1 s)', () => {
    const failing = withBudget('xs = []\nfor i in range(500):\n    y = xs[i]', 100_000);
    assert.match(whys(failing), /step budget exceeded/);
    const passing = withBudget('xs = []\nfor i in range(500):\n    y = i', 100_000);
    assert.doesNotMatch(whys(passing), /step budget exceeded/);
    assert.equal(failing.models[0].entry, 'Net');
  });

  it('every module made is charged as the memory it takes (#17334, 100,000 nested Sequentials in regnet: 2.5 s)', () => {
    const nested = withBudget('m = nn.Sequential()\nfor i in range(2000):\n    m = nn.Sequential(m)', 100_000);
    assert.match(whys(nested), /step budget exceeded/);
    const plain = withBudget('m = 0\nfor i in range(2000):\n    m = [m]', 100_000);
    assert.doesNotMatch(whys(plain), /step budget exceeded/);
  });
});

describe('analysis: the charge for failing statements leaves real libraries their budget', () => {
  it('a helper whose statement fails each of its 1,500 calls (as timm\'s helpers do while it is imported) still lets the model build', () => {
    const text = [
      'import torch.nn as nn',
      'def helper(i):',
      '    y = {}[i]',
      '    return i',
      'VALUES = [helper(i) for i in range(1500)]',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.conv = nn.Conv2d(3, 8, 3)',
      '',
    ].join('\n');
    const r = analyzeFile(text, { file: '/project/net.py', host: { readFile: () => undefined } });
    assert.doesNotMatch(whys(r), /step budget exceeded/);
    assert.equal(r.models[0].totals.conv_params, 224n);
  });
});

describe('analysis: known values past their size limit are left to shapes', () => {
  // Each of these once made the analysis allocate an array of as many items as asked for (a
  // billion rows of an empty array, a thousand-digit polynomial power) and end in an out-of-memory abort.
  const inputs = [
    'for r in np.array([]).reshape(10**12, 0):\n    pass',
    'x = np.split(np.array([]), 10**9)',
    'x = np.split(np.arange(6), list(range(5000)))',
    'x = (np.poly1d(list(range(1, 4000))) ** 64).order',
    'x = (np.poly1d([2.0]) ** 10**20).order',
    'x = np.poly1d(list(range(1, 4000))) * np.poly1d(list(range(1, 4000)))',
  ];
  for (const line of inputs) {
    it(`${line.split('\n')[0]} ends, and the model after it is built`, () => {
      const body = line.split('\n').map((l) => `        ${l}`).join('\n');
      const r = analyzeFile(`import numpy as np\nimport torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n${body}\n        self.conv = nn.Conv2d(3, 8, 3)\n`, { file: '/project/net.py', host: { readFile: () => undefined } });
      assert.equal(r.models[0]?.layers[0]?.record?.params, 3n * 8n * 9n + 8n, whys(r));
    });
  }
});
