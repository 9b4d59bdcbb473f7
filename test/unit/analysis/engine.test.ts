import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/analysis';
import type { AnalysisOptions, FileAnalysis } from '../../../src/analysis/types';

// Focused behaviours of the engine on small snippets. Figures and messages were checked
// against PyTorch 1.13 (constructing the module, or running it, in /usr/bin/python3).

function analyze(source: string, options: Partial<AnalysisOptions> = {}): FileAnalysis {
  return analyzeFile(source, { file: '/project/net.py', host: { readFile: () => undefined }, ...options });
}

const HEADER = 'import torch\nimport torch.nn as nn\n\n';

describe('analysis: unknown values stay symbolic', () => {
  const source = `${HEADER}class depthwise_separable_conv(nn.Module):
    def __init__(self, nin, nout):
        super(depthwise_separable_conv, self).__init__()
        self.depthwise = nn.Conv2d(nin, nin, kernel_size=3, padding=1, groups=nin)
        self.pointwise = nn.Conv2d(nin, nout, kernel_size=1)
`;

  it('gives formulas of the parameters without a call site, never a number', () => {
    const [model] = analyze(source).models;
    assert.deepEqual(model.layers.map((l) => [l.name, l.record, l.symbolic?.params]), [
      ['depthwise', null, '10·nin'],
      ['pointwise', null, 'nin·nout + nout'],
    ]);
    assert.equal(model.totals.params, null);
  });

  it('says which name is unknown and why', () => {
    const result = analyze(source);
    const nin = result.unresolved.find((u) => u.what === 'nin' && u.line === 7);
    assert.equal(nin?.why, 'nin: parameter of depthwise_separable_conv.__init__, no call site found');
  });

  it('uses a call site in the file when there is one', () => {
    const [model] = analyze(`${source}\nnet = depthwise_separable_conv(32, 64)\n`).models;
    assert.deepEqual(model.layers.map((l) => l.record?.params), [320n, 2112n]);
  });

  it('uses options.entry and options.args over the file', () => {
    const [model] = analyze(source, { entry: 'depthwise_separable_conv', args: 'nin=8, nout=4' }).models;
    assert.deepEqual(model.layers.map((l) => l.record?.params), [80n, 36n]);
  });
});

describe('analysis: budgets end runaway code, the rest is still analyzed', () => {
  it('gives up a loop over range(10**12) as unresolved and keeps the other layers', () => {
    const result = analyze(`${HEADER}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
        for i in range(10**12):
            self.b = nn.Conv2d(8, 8, 3)
        self.c = nn.Conv2d(8, 16, 1)
`);
    assert.deepEqual(result.models[0].layers.map((l) => l.name), ['a', 'c']);
    assert.ok(result.unresolved.some((u) => u.line === 8 && u.why === 'step budget exceeded'), JSON.stringify(result.unresolved));
  });

  it('stops mutual recursion at the recursion limit', () => {
    const result = analyze(`${HEADER}def ping(n):
    return pong(n + 1)


def pong(n):
    return ping(n + 1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
        self.n = ping(0)
        self.b = nn.Conv2d(8, 8, 3)
`);
    assert.deepEqual(result.models[0].layers.map((l) => l.name), ['a', 'b']);
    assert.ok(result.unresolved.some((u) => u.why === 'recursion limit exceeded'), JSON.stringify(result.unresolved));
  });

  it('keeps channel counts of 10^12 exact', () => {
    const [model] = analyze(`${HEADER}C = 10 ** 12\n\nclass Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(C, C, 1, groups=C // 2, bias=False)
`).models;
    assert.equal(model.layers[0].record?.params, 2n * 10n ** 12n);
  });
});

describe('analysis: a model whose construction skipped a statement has no totals', () => {
  it('leaves conv MACs and params unknown when a loop that builds layers cannot run', () => {
    const [model] = analyze(`${HEADER}# conv-lens: input=(1, 3, 32, 32)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.blocks = nn.ModuleList()
        for width in torch.logspace(1, 2, 4).round().int().tolist():
            self.blocks.append(nn.Conv2d(16, 16, 3, padding=1))

    def forward(self, x):
        return self.stem(x)
`).models;
    assert.deepEqual(model.layers.map((l) => l.name), ['stem']);
    assert.equal(model.totals.conv_macs, null);
    assert.equal(model.totals.params, null);
    assert.match(model.totals.incomplete ?? '', /^for width in/);
  });

  it('keeps the totals when the only skipped branch is an argument check that raises', () => {
    const [model] = analyze(`${HEADER}from typing import Sequence
# conv-lens: input=(1, 3, 32, 32)
class Net(nn.Module):
    def __init__(self, widths=(16, 32)):
        super().__init__()
        if not isinstance(widths, Sequence):
            raise TypeError("widths must be a sequence")
        self.conv = nn.Conv2d(3, widths[0], 3, padding=1)

    def forward(self, x):
        return self.conv(x)
`).models;
    assert.equal(model.totals.incomplete, undefined);
    assert.equal(model.totals.conv_macs, 442368n);
    assert.equal(model.totals.params, 448n);
  });

  it('reads numbers.Integral/Real and collections.abc after `import collections` in isinstance', () => {
    // As timm's mobilenetv5 and nest test their arguments; checked in PyTorch 1.13: 8 + 16 + 4 + 4 channels.
    const [model] = analyze(`${HEADER}import collections
import numbers
# conv-lens: input=(1, 3, 8, 8)
class Net(nn.Module):
    def __init__(self, width=8, scale=2.0, sizes=[4]):
        super().__init__()
        a = width if isinstance(width, numbers.Integral) else 1
        b = 16 if isinstance(scale, numbers.Real) and not isinstance(scale, numbers.Integral) else 1
        c = sizes[0] if isinstance(sizes, collections.abc.Sequence) else 1
        d = 4 if isinstance(True, numbers.Integral) and not isinstance("8", numbers.Number) else 1
        self.conv = nn.Conv2d(3, a + b + c + d, 1)

    def forward(self, x):
        return self.conv(x)
`).models;
    assert.equal(model.totals.incomplete, undefined);
    assert.deepEqual(model.layers[0].record?.weight_shape?.map(Number), [32, 3, 1, 1]);
  });

  it('keeps the totals when a skipped statement only reads self or registers a buffer', () => {
    const [model] = analyze(`${HEADER}# conv-lens: input=(1, 3, 32, 32)
class Net(nn.Module):
    def __init__(self, window=7):
        super().__init__()
        self.window = window
        coords = torch.stack(torch.meshgrid(torch.arange(window), torch.arange(window)))
        coords[:, :, 0] += self.window - 1
        self.register_buffer("index", coords.sum(-1))
        self.conv = nn.Conv2d(3, 16, 3, padding=1)

    def forward(self, x):
        return self.conv(x)
`).models;
    assert.equal(model.totals.incomplete, undefined);
    assert.equal(model.totals.conv_macs, 442368n);
  });
});

describe('analysis: PyTorch\'s errors at the right place', () => {
  it('reports a float channel count at the constructor call', () => {
    const result = analyze(`${HEADER}class Net(nn.Module):
    def __init__(self, out_planes=64):
        super().__init__()
        self.a = nn.Conv2d(3, out_planes / 4, 3)
`);
    const [d] = result.diagnostics;
    assert.deepEqual([d.source, d.range.line, d.range.column], ['construct', 7, 17]);
    assert.equal(d.message.split('\n')[0], 'empty() received an invalid combination of arguments - got (tuple, dtype=NoneType, device=NoneType), but expected one of:');
  });

  it('reports groups that do not divide the channels, with the nearest valid groups as a fix', () => {
    const result = analyze(`${HEADER}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(48, 96, 3, groups=5)
`);
    const [d] = result.diagnostics;
    assert.equal(d.message, 'in_channels must be divisible by groups');
    assert.deepEqual(d.fix, { kind: 'groups', values: [4n, 6n], in_channels: 48n, out_channels: 96n, groups: 5n });
    assert.equal(result.models[0].layers[0].record, null);
  });

  it('reports a channel mismatch at the call in forward, with PyTorch\'s message', () => {
    const result = analyze(`${HEADER}# conv-lens: input=(1, 3, 8, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
        self.b = nn.Conv2d(16, 8, 3)

    def forward(self, x):
        return self.b(self.a(x))
`);
    const d = result.diagnostics.find((x) => x.source === 'forward');
    assert.equal(d?.message, 'Given groups=1, weight of size [8, 16, 3, 3], expected input[1, 8, 6, 6] to have 16 channels, but got 8 channels instead');
    assert.deepEqual([d?.range.line, d?.range.column], [12, 15]);
  });

  it('turns syntax errors into diagnostics and still analyzes what parses', () => {
    const result = analyze(`${HEADER}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
        self.b = nn.Conv2d(8, 8,
`);
    assert.ok(result.diagnostics.some((d) => d.source === 'syntax'));
    assert.equal(result.models[0].layers[0].record?.params, 224n);
  });
});

describe('analysis: forward shapes', () => {
  it('propagates through pooling with ceil_mode, interpolate, cat, view and residual additions', () => {
    const [model] = analyze(`${HEADER}import torch.nn.functional as F


# conv-lens: input=(2, 3, 15, 15)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2, ceil_mode=True)
        self.b = nn.Conv2d(16, 4, 1)
        self.fc = nn.Linear(4 * 16 * 16, 10)

    def forward(self, x):
        y = self.pool(self.a(x))
        up = F.interpolate(y, scale_factor=2, mode='nearest')
        z = torch.cat([up, up + 1], dim=1)
        n, c, h, w = z.shape
        out = self.b(z).view(n, -1)
        return self.fc(out)
`).models;
    assert.deepEqual(model.layers.map((l) => l.record?.output_shape?.map(Number)), [[2, 8, 15, 15], [2, 4, 16, 16]]);
    const shapes = Object.fromEntries(model.shapes.map((s) => [s.label, s.shape?.map(Number)]));
    assert.deepEqual(shapes, { y: [2, 8, 8, 8], up: [2, 8, 16, 16], z: [2, 16, 16, 16], out: [2, 1024] });
  });
});

describe('analysis: an unknown total says why', () => {
  const model = (init: string, forward: string, input = '# conv-lens: input=(1, 3, 8, 8)\n') => analyze(`${HEADER}${input}class M(nn.Module):
    def __init__(self):
        super().__init__()
${init}
        self.conv = nn.Conv2d(3, 4, 1)

    def forward(self, x):
${forward}
`).models[0].totals;

  it('names the parameter whose shape is unknown', () => {
    const totals = model('        self.p = nn.Parameter(torch.zeros(1, hash("x") % 5 + 1, 1, 1))', '        return self.conv(x)');
    assert.equal(totals.params, null);
    assert.equal(totals.conv_macs, 768n);
    assert.equal(totals.params_unknown, 'the shape of p (M) could not be computed');
    assert.equal(totals.conv_macs_unknown, undefined);
  });

  it('names the layer whose MACs are unknown: a shape lost in forward, or no input at all', () => {
    const lost = model('        self.p = nn.Parameter(torch.zeros(1, hash("x") % 5 + 1, 1, 1))', '        return self.conv(x + self.p)');
    assert.equal(lost.conv_macs, null);
    assert.equal(lost.conv_macs_unknown, 'conv: the forward pass reached it with an input whose shape the analysis lost on the way');
    const noInput = model('        pass', '        return self.conv(x)', '');
    assert.equal(noInput.conv_macs, null);
    assert.match(noInput.conv_macs_unknown ?? '', /^no input shape/);
  });
});

describe('analysis: a conv whose forward convolves a weight computed from its own', () => {
  it('counts that conv as the layer\'s work (timm\'s StdConv2d standardizes its weight first)', () => {
    // PyTorch 1.13 runs it to [1, 8, 16, 16]: 8·16·16 outputs of 3·3·3 MACs each.
    const [model] = analyze(`${HEADER}import torch.nn.functional as F

class StdConv2d(nn.Conv2d):
    def forward(self, x):
        weight = F.batch_norm(self.weight.reshape(1, self.out_channels, -1), None, None, training=True, momentum=0., eps=1e-6).reshape_as(self.weight)
        return F.conv2d(x, weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

# conv-lens: input=(1, 3, 16, 16)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = StdConv2d(3, 8, 3, padding=1)

    def forward(self, x):
        return self.conv(x)
`).models;
    assert.deepEqual(model.layers[0].record?.output_shape?.map(Number), [1, 8, 16, 16]);
    assert.equal(model.totals.conv_macs, 55296n);
    assert.equal(model.functionalConvs, undefined);
  });

  it('says when forward convolves outside its conv layers, with those MACs apart from the layers\'', () => {
    // PyTorch 1.13: F.conv2d on [1, 8, 16, 16] with an [8, 8, 3, 3] weight and padding 1 gives
    // [1, 8, 16, 16]: 2,048 outputs of 72 MACs each. Module hooks, and so the conv MACs, see only the layer.
    const [model] = analyze(`${HEADER}import torch.nn.functional as F
# conv-lens: input=(1, 3, 16, 16)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.w = nn.Parameter(torch.randn(8, 8, 3, 3))

    def forward(self, x):
        return F.conv2d(self.conv(x), self.w, padding=1)
`).models;
    assert.equal(model.totals.conv_macs, 55296n);
    assert.deepEqual(model.functionalConvs, { calls: 1, macs: 147456n, line: 13, complete: true });
  });
});

describe('analysis: functools.partial and types.FunctionType as CPython has them', () => {
  it('flattens a partial of a partial: func, args and keywords are the inner ones updated', () => {
    // Python 3.11: p.func is f, p.args == (1, 2), p.keywords == {'x': 1, 'y': 3}.
    const [model] = analyze(`${HEADER}import functools
# conv-lens: input=(1, 3, 8, 8)
def f(*args, **kwargs):
    return 0
p = functools.partial(functools.partial(f, 1, x=1, y=2), 2, y=3)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, (10 if p.func is f else 0) + sum(p.args) + p.keywords["y"] * len(p.keywords), 1)

    def forward(self, x):
        return self.conv(x)
`).models;
    assert.deepEqual(model.layers[0].record?.weight_shape?.map(Number), [10 + 3 + 6, 3, 1, 1]);
  });

  it('answers isinstance(x, types.FunctionType) for defs and lambdas, and leaves library functions unknown', () => {
    const channels = (expr: string): number | null => {
      const [model] = analyze(`${HEADER}import types
import functools
import torch.nn.functional as F
# conv-lens: input=(1, 3, 8, 8)
def g():
    return 1

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4 if ${expr} else 8, 1)

    def forward(self, x):
        return self.conv(x)
`).models;
      const shape = model.layers[0].record?.weight_shape;
      return shape ? Number(shape[0]) : null;
    };
    assert.equal(channels('isinstance(g, types.FunctionType)'), 4);
    assert.equal(channels('isinstance(lambda: 1, types.LambdaType)'), 4);
    assert.equal(channels('isinstance(functools.partial(g), types.FunctionType)'), 8);
    assert.equal(channels('isinstance(nn.ReLU, types.FunctionType)'), 8);
    // F.relu is a Python function in PyTorch, torch.relu a builtin: the analysis does not claim either.
    assert.equal(channels('isinstance(F.relu, types.FunctionType)'), null);
  });
});

describe('analysis: register_parameter(name, None)', () => {
  it('counts nothing for the name, as PyTorch does (timm\'s csatv2 Dct1d registers bias=None)', () => {
    // PyTorch 1.13: sum(p.numel() for p in Net().parameters()) == 16 (the conv's 12 weights and 4 biases).
    const [model] = analyze(`${HEADER}# conv-lens: input=(1, 3, 8, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_parameter('bias', None)
        self.conv = nn.Conv2d(3, 4, 1)

    def forward(self, x):
        return self.conv(x)
`).models;
    assert.equal(model.totals.params, 16n);
  });
});
