import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/analysis';
import type { FileAnalysis } from '../../../src/analysis/types';

// Shapes of `@` (torch.matmul) and of nn.Unfold / nn.Fold / F.unfold / F.fold, and PyTorch 1.13's
// messages where it rejects them. Every shape and message below was printed by /usr/bin/python3
// with Debian's torch 1.13.1.

/** A model whose conv reads `input`; the conv's input shape is what the analysis made of it. */
function convOn(input: string, prelude = ''): FileAnalysis {
  const text = `import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n\nclass Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)
        self.unfold = nn.Unfold(kernel_size=3, padding=1, stride=2)
        self.fold = nn.Fold(output_size=(10, 12), kernel_size=3, padding=1, stride=2)

    def forward(self, x):
${prelude.split('\n').map((l) => `        ${l}`).join('\n')}
        return self.conv(${input})


model = Net()
y = model(torch.randn(2, 3, 10, 12))
`;
  return analyzeFile(text, { file: '/project/net.py', host: { readFile: () => undefined } });
}

function convInput(r: FileAnalysis): number[] | undefined {
  return r.models[0].layers[0].record?.input_shape?.map(Number);
}

const whys = (r: FileAnalysis): string => r.unresolved.map((u) => u.why).join(' | ');

/** One test per expression: the shape it feeds the conv, or PyTorch's message where it fails. */
function checkShapesAndErrors(cases: Array<[string, number[]]>, errors: Array<[string, string]>): void {
  for (const [expression, shape] of cases) {
    it(`${expression} feeds the conv ${JSON.stringify(shape)}`, () => {
      const r = convOn(expression);
      assert.deepEqual(convInput(r), shape, whys(r));
    });
  }
  for (const [expression, message] of errors) {
    it(`${expression} fails with PyTorch's message`, () => {
      const r = convOn('x', `z = ${expression}`);
      assert.ok(r.unresolved.some((u) => u.why === message), whys(r));
    });
  }
}

describe('analysis: the shape of a @ b', () => {
  const cases: Array<[string, number[]]> = [
    // The broadcast a `*` would give is [2, 3, 4, 4]; the product's is [2, 3, 1, 1].
    ['torch.randn(2, 3, 1, 4) @ torch.randn(4, 1)', [2, 3, 1, 1]],
    ['torch.randn(2, 3, 5, 4) @ torch.randn(1, 3, 4, 6)', [2, 3, 5, 6]],
    ['(torch.randn(3, 5, 4) @ torch.randn(4)).reshape(1, 3, 5, 1)', [1, 3, 5, 1]],
    ['torch.randn(4) @ torch.randn(1, 3, 5, 4, 6)', [1, 3, 5, 6]],
    ['torch.matmul(torch.randn(2, 3, 5, 4), torch.randn(4, 6))', [2, 3, 5, 6]],
  ];

  const errors: Array<[string, string]> = [
    ['torch.randn(3, 4) @ torch.randn(5, 6)', 'RuntimeError: mat1 and mat2 shapes cannot be multiplied (3x4 and 5x6)'],
    ['torch.randn(2, 3, 4) @ torch.randn(2, 5, 6)', 'RuntimeError: Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 5].'],
    ['torch.randn(2, 3, 4) @ torch.randn(5, 6)', 'RuntimeError: mat1 and mat2 shapes cannot be multiplied (6x4 and 5x6)'],
    ['torch.randn(4) @ torch.randn(5)', 'RuntimeError: inconsistent tensor size, expected tensor [4] and src [5] to have the same number of elements, but got 4 and 5 elements respectively'],
    ['torch.randn(3, 4) @ torch.randn(5)', 'RuntimeError: size mismatch, got 3, 3x4,5'],
    ['torch.randn(2, 2, 3, 4) @ torch.randn(3, 4, 5)', 'RuntimeError: The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1'],
    ['torch.randn(2, 3, 5, 4) @ torch.randn(3, 5, 6)', 'RuntimeError: Expected size for first two dimensions of batch2 tensor to be: [6, 4] but got: [6, 5].'],
    ['torch.randn(3, 4) @ torch.randn(2, 2, 5, 6)', 'RuntimeError: mat1 and mat2 shapes cannot be multiplied (24x5 and 4x3)'],
    ['torch.randn(4) @ torch.randn(2, 5, 6)', 'RuntimeError: size mismatch, got 12, 12x5,4'],
    ['torch.randn(2, 2, 5, 4) @ torch.randn(5)', 'RuntimeError: size mismatch, got 20, 20x4,5'],
    ['3 @ 4', "TypeError: unsupported operand type(s) for @: 'int' and 'int'"],
  ];
  checkShapesAndErrors(cases, errors);
});

describe('analysis: nn.Unfold, nn.Fold, F.unfold and F.fold', () => {
  const cases: Array<[string, number[]]> = [
    // 10x12 in blocks of 3x3, padding 1, stride 2: 5 x 6 = 30 blocks of 3 x 9 = 27 values.
    ['self.unfold(x).reshape(2, 27, 5, 6)[:, :3]', [2, 3, 5, 6]],
    ['self.fold(self.unfold(x))', [2, 3, 10, 12]],
    ['F.fold(F.unfold(x, (3, 2), dilation=2), (10, 12), (3, 2), dilation=2)', [2, 3, 10, 12]],
    ['F.unfold(x, 2, stride=2).reshape(2, 3, 4, 30)', [2, 3, 4, 30]],
    ['F.pixel_shuffle(torch.randn(1, 12, 4, 5), 2)', [1, 3, 8, 10]],
    ['F.pixel_unshuffle(torch.randn(1, 3, 8, 10), 2)[:, :3]', [1, 3, 4, 5]],
  ];

  const errors: Array<[string, string]> = [
    ['F.unfold(torch.randn(2, 3, 2, 2), 3)', 'RuntimeError: Given input with spatial size (2, 2), kernel_size=(3, 3), dilation=(1, 1), padding=(0, 0), calculated shape of the array of sliding blocks as (0, 0), but its components must be at least one.'],
    ['F.fold(torch.randn(2, 27, 31), (10, 12), 3, padding=1, stride=2)', "RuntimeError: Given output_size=(10, 12), kernel_size=(3, 3), dilation=(1, 1), padding=(1, 1), stride=(2, 2), expected size of input's dimension 2 to match the calculated number of sliding blocks 5 * 6 = 30, but got input.size(2)=31."],
    ['F.fold(torch.randn(2, 26, 30), (10, 12), 3, padding=1, stride=2)', "RuntimeError: Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=26 and kernel_size=(3, 3)."],
    ['self.unfold(torch.randn(1, 2, 5, 5, 5))', 'RuntimeError: Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: [1, 2, 5, 5, 5]'],
    ['F.fold(torch.randn(1, 2, 27, 30), (10, 12), 3)', 'RuntimeError: Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: [1, 2, 27, 30]'],
  ];
  checkShapesAndErrors(cases, errors);
});
