import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/analysis';

// Known-value tensors keep the element type PyTorch gives them: `dtype=` is read, never guessed.
// A long tensor read back as floats made `nn.Conv2d(3, v[0] + 1)` a confident "PyTorch raises"
// on code that PyTorch runs (timm's nest: `torch.arange(n, device='cpu', dtype=torch.long)`).

/**
 * The weight shape of the one conv of a model built as `nn.Conv2d(<convArgs>)` after `prelude`
 * ran at module level (torch, nn and numpy imported), or null when the analysis could not build it.
 */
function probeConv(prelude: string, convArgs: string): bigint[] | null {
  const analysis = analyzeFile(`import torch
import torch.nn as nn
import numpy as np
${prelude}
# conv-lens: input=(1, 3, 8, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(${convArgs})

    def forward(self, x):
        return x
`, { file: '/p/net.py', host: { readFile: () => undefined } });
  const layer = analysis.models[0]?.layers[0];
  assert.ok(!layer?.error, `${prelude} ${convArgs}: ${JSON.stringify(layer?.error)}`);
  return layer?.record?.weight_shape ?? null;
}

/** Python's `str(expr)` as the analysis sees it, read back through a conv's out_channels (its length). */
function strLength(expr: string): number | null {
  const shape = probeConv('', `3, len(str(${expr})), 1`);
  return shape ? Number(shape[0]) : null;
}

describe('analysis: dtypes of known-value tensors', () => {
  // Each expected string is what PyTorch 1.13 / numpy print (checked in /usr/bin/python3).
  const cases: Array<[string, string]> = [
    ["torch.arange(3, dtype=torch.long).tolist()", '[0, 1, 2]'],
    ["torch.arange(3, device='cpu', dtype=torch.long).tolist()", '[0, 1, 2]'],
    ["torch.arange(3, dtype=torch.float32).tolist()", '[0.0, 1.0, 2.0]'],
    ["torch.arange(3, dtype=float).tolist()", '[0.0, 1.0, 2.0]'],
    ["torch.tensor([1, 2], dtype=torch.float32).tolist()", '[1.0, 2.0]'],
    ["torch.tensor([1.5, 2.5], dtype=torch.long).tolist()", '[1, 2]'],
    ["np.arange(3, dtype=float).tolist()", '[0.0, 1.0, 2.0]'],
    ["(4 ** torch.arange(3, device='cpu', dtype=torch.long)).flip(0).tolist()", '[16, 4, 1]'],
    ["torch.arange(4).flip((0,)).tolist()", '[3, 2, 1, 0]'],
    ["torch.arange(4).flip([-1]).tolist()", '[3, 2, 1, 0]'],
    // numpy promotes as numpy does: an int array times a Python float is float64, not float32.
    ['(np.arange(4) * 0.3).tolist()', '[0.0, 0.3, 0.6, 0.8999999999999999]'],
    ['(torch.arange(4) * 0.3).tolist()', '[0.0, 0.30000001192092896, 0.6000000238418579, 0.9000000357627869]'],
    ['(np.array([1, 2], dtype=np.float32) * 0.1).tolist()', '[0.10000000149011612, 0.20000000298023224]'],
    ['(np.arange(3) / 2).tolist()', '[0.0, 0.5, 1.0]'],
    ['np.round(np.log(np.arange(1, 4))).tolist()', '[0.0, 1.0, 1.0]'],
    ['np.array([1, 2, 3]).astype(np.float32).tolist()', '[1.0, 2.0, 3.0]'],
    ['np.array([1.7, 2.2]).astype(int).tolist()', '[1, 2]'],
    ['[a.tolist() for a in np.split(np.arange(6), [2, 1])]', '[[0, 1], [], [1, 2, 3, 4, 5]]'],
    ['[a.tolist() for a in np.split(np.arange(6), 3)]', '[[0, 1], [2, 3], [4, 5]]'],
    ['np.unique([3, 1, 3, 2], return_counts=True)[1].tolist()', '[1, 1, 2]'],
    ['list(range(np.array([2, 3])[1]))', '[0, 1, 2]'],
    ['torch.tensor(np.arange(3) * 0.1).tolist()', '[0.0, 0.1, 0.2]'],
    ['np.arange(0, 6, 1).reshape(2, 3).tolist()', '[[0, 1, 2], [3, 4, 5]]'],
    // arange's bounds by name too: step=2 was ignored (timm 0.9's efficientformerv2 downsample).
    ['torch.arange(0, 4, step=2).tolist()', '[0, 2]'],
    ['torch.arange(end=5).tolist()', '[0, 1, 2, 3, 4]'],
    ['np.arange(start=1, stop=7, step=2).tolist()', '[1, 3, 5]'],
    ['torch.arange(5, 0, -2).tolist()', '[5, 3, 1]'],
    ['torch.arange(0.5, 2, step=0.5).tolist()', '[0.5, 1.0, 1.5]'],
    ['torch.arange(6).view(3, -1).tolist()', '[[0, 1], [2, 3], [4, 5]]'],
    ['[r.tolist() for r in np.arange(6).reshape(3, 2)]', '[[0, 1], [2, 3], [4, 5]]'],
    // numpy.poly1d, as timm 0.9's BlurPool2d builds its binomial filter.
    ['(np.poly1d((0.5, 0.5)) ** 2).coeffs.tolist()', '[0.25, 0.5, 0.25]'],
    ['np.poly1d([0, 1, 2]).order', '1'],
    ['(np.poly1d([1, 1]) * np.poly1d([1, -1])).coeffs.tolist()', '[1, 0, -1]'],
    ['(np.poly1d([1, 2]) + 3).c.tolist()', '[1, 5]'],
    // Comparisons of known tensors are computed, in the tensor's dtype.
    ['(torch.linspace(0, 0.5, 6) > 0.1).tolist()', '[False, False, True, True, True, True]'],
  ];
  for (const [expr, printed] of cases) {
    it(`${expr} is ${printed}`, () => assert.equal(strLength(expr), printed.length));
  }

  it('leaves the values unknown for a dtype it does not model, never guessing', () => {
    assert.equal(strLength('torch.arange(3, dtype=torch.float16).tolist()'), null);
    assert.equal(strLength('torch.arange(3, dtype=torch.bool).tolist()'), null);
    assert.equal(strLength('np.array([1, 2]).astype(np.float16).tolist()'), null);
    assert.equal(strLength('np.array([1, 2]).astype(np.some_new_type).tolist()'), null, 'an unknown dtype was read as float64');
    assert.equal(strLength('(np.arange(2) + torch.arange(2)).tolist()'), null, 'numpy and torch mixed');
  });

  it("raises numpy's ValueError for a split into unequal parts", () => {
    const analysis = analyzeFile('import numpy as np\nparts = np.split(np.arange(5), 2)\n', { file: '/p/net.py', host: { readFile: () => undefined } });
    assert.match(JSON.stringify(analysis.unresolved), /ValueError: array split does not result in an equal division/);
  });
});

describe('analysis: an index tensor beside slices', () => {
  /** The conv's input channels after `biases[...]` is reshaped into it, or null when the shape is lost. */
  function channels(make: string, index: string): number | null {
    const analysis = analyzeFile(`import torch
import torch.nn as nn
# conv-lens: input=(1, 3, 8, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.biases = nn.Parameter(torch.zeros(4, 9))
        self.register_buffer('idxs', ${make}, persistent=False)
        self.conv = nn.Conv2d(36, 2, 1)

    def forward(self, x):
        return self.conv(${index}.reshape(1, -1, 3, 3))
`, { file: '/p/net.py', host: { readFile: () => undefined } });
    const shape = analysis.models[0]?.layers[0]?.record?.input_shape;
    return shape ? Number(shape[1]) : null;
  }

  it('puts an integer index tensor\'s shape in place of the dim it indexes (LeViT\'s biases[:, idxs])', () => {
    // PyTorch 1.13: zeros(4, 9)[:, empty((9, 9), dtype=torch.long)] is [4, 9, 9]; reshaped to [1, 36, 3, 3].
    assert.equal(channels('torch.empty((9, 9), dtype=torch.long)', 'self.biases[:, self.idxs]'), 36);
    assert.equal(channels('torch.randint(0, 9, (9, 9))', 'self.biases[:, self.idxs]'), 36);
  });

  it('leaves the shape unknown when the index may be a boolean mask', () => {
    assert.equal(channels('torch.ones((9, 9))', 'self.biases[:, self.idxs]'), null);
    assert.equal(channels('torch.ones((9, 9), dtype=torch.bool)', 'self.biases[:, self.idxs]'), null);
  });
});

describe('analysis: shapes and values of the tensor helpers model code uses', () => {
  /** The last two dims of `expr`'s shape, read back as a conv's in and out channels, or null when unknown. */
  function lastTwoDims(expr: string): [number, number] | null {
    const weight = probeConv(`s = (${expr}).shape`, 's[-2], s[-1], 1');
    return weight ? [Number(weight[1]), Number(weight[0])] : null;
  }

  // Each expected shape is PyTorch 1.13's (checked in /usr/bin/python3).
  const cases: Array<[string, [number, number]]> = [
    ['torch.zeros(2, 5)[:, [4, 0, 1]]', [2, 3]],
    ['torch.eye(3, 5)', [3, 5]],
    ['torch.fft.fft(torch.zeros(4, 6), n=8)', [4, 8]],
    ['torch.linalg.inv(torch.eye(3)[None].repeat(2, 1, 1))', [3, 3]],
    ['torch.tensor(-1j, dtype=torch.complex64) * torch.pi * torch.arange(4)[None, :]', [1, 4]],
    ['torch.zeros(2, 3).real', [2, 3]],
    ['torch.addcmul(torch.zeros(1, 3), torch.zeros(2, 1), torch.zeros(3))', [2, 3]],
    ['torch.zeros(2, 3).bernoulli_(0.5)', [2, 3]],
    ['torch.zeros(2, 3) * torch.rsqrt(torch.zeros(2, 1) + 1e-5)', [2, 3]],
    // Integer-ness follows arange through meshgrid, stack, flatten, indexing and arithmetic, so the
    // result indexes as an int tensor (LeViT-style attention biases), not as a possible mask.
    ['torch.zeros(8, 16)[:, (torch.stack(torch.meshgrid(torch.arange(0, 4, step=2), torch.arange(4))).flatten(1)[..., :, None] * 4).abs()[0]]', [8, 1]],
    ['torch.zeros(5, 7)[:, torch.LongTensor([[1, 2, 3], [4, 5, 6]])]', [2, 3]],
    ['torch.tensor(np.arange(0, 6, 1).reshape(2, 3).tolist())', [2, 3]],
  ];
  for (const [expr, dims] of cases) {
    it(`${expr} is [..., ${dims.join(', ')}]`, () => assert.deepEqual(lastTwoDims(expr), dims));
  }

  it("gives PyTorch's errors for sizes and indices it refuses", () => {
    const errors = (line: string): string => JSON.stringify(analyzeFile(`import torch\n${line}\n`, { file: '/p/net.py', host: { readFile: () => undefined } }).unresolved);
    assert.match(errors('a = torch.eye(2, -3)'), /RuntimeError: m must be greater or equal to 0, got -3/);
    assert.match(errors('a = torch.fft.fft(torch.zeros(3), n=0)'), /RuntimeError: Invalid number of data points \(0\) specified/);
    assert.match(errors('a = torch.linalg.inv(torch.zeros(2, 3))'), /RuntimeError: linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices/);
    assert.match(errors('a = torch.zeros(2, 3, 64)[:, :, [70]]'), /IndexError: index 70 is out of bounds for dimension 0 with size 64/);
  });

  it('leaves the shape unknown beside an unknown that may be a tensor, and keeps it beside an unknown number', () => {
    assert.equal(lastTwoDims('torch.zeros(2, 3) * unknown_lib.scale()'), null);
    assert.equal(lastTwoDims('torch.zeros(2, 3).mul(unknown_lib.scale())'), null);
    assert.equal(lastTwoDims('torch.add(torch.zeros(2, 3), unknown_lib.scale())'), null);
    assert.deepEqual(lastTwoDims('torch.zeros(2, 3).mul(0.5)'), [2, 3]);
    assert.deepEqual(lastTwoDims('torch.zeros(2, 3) * 2j'), [2, 3]);
  });
});
