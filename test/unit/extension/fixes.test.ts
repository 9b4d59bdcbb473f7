import { strict as assert } from 'node:assert';
import { readCall } from '../../../src/extension/text/callText';
import { TextEdit, canBecomeSeparable, channelsFix, diagnosticText, separableEdit, separableImport, sequentialCallee, setChannelsEdit, setGroupsEdit } from '../../../src/extension/text/fixes';
import { analyzeFile } from '../../../src/analysis';

function apply(text: string, edit: TextEdit | null): string {
  assert.ok(edit, 'expected an edit');
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

const NN = 'import torch.nn as nn\n';

describe('readCall', () => {
  it('splits positional and keyword arguments, skipping nested brackets and strings', () => {
    const call = readCall("nn.Conv2d(c * 2, (3, 3), padding='same', bias=f(a, b))");
    assert.ok(call);
    assert.equal(call.callee, 'nn.Conv2d');
    assert.deepEqual(call.args.map((a) => [a.keyword, a.value]), [[undefined, 'c * 2'], [undefined, '(3, 3)'], ['padding', "'same'"], ['bias', 'f(a, b)']]);
  });

  it('keeps the value text exact across lines, without trailing comments or commas', () => {
    const text = 'nn.Conv2d(\n    64,  # in\n    128,\n    kernel_size=3,\n)';
    const call = readCall(text);
    assert.ok(call);
    assert.deepEqual(call.args.map((a) => a.value), ['64', '128', '3']);
    assert.equal(call.close, text.length - 1);
  });

  it('does not treat == in a value as a keyword', () => {
    assert.equal(readCall('f(a == b)')?.args[0].keyword, undefined);
  });

  it('returns null for unbalanced text', () => {
    assert.equal(readCall('nn.Conv2d(3, 8'), null);
  });
});

describe('setGroupsEdit', () => {
  it('rewrites an existing groups keyword', () => {
    const text = 'nn.Conv2d(64, 96, 3, groups=7, bias=False)';
    assert.equal(apply(text, setGroupsEdit(text, 8n)), 'nn.Conv2d(64, 96, 3, groups=8, bias=False)');
  });

  it('rewrites groups given positionally (7th argument of Conv2d)', () => {
    const text = 'nn.Conv2d(64, 96, 3, 1, 1, 1, 7)';
    assert.equal(apply(text, setGroupsEdit(text, 32n)), 'nn.Conv2d(64, 96, 3, 1, 1, 1, 32)');
  });

  it('uses ConvTranspose order, where groups is the 7th argument after output_padding', () => {
    const text = 'nn.ConvTranspose2d(64, 96, 3, 2, 1, 1, 5)';
    assert.equal(apply(text, setGroupsEdit(text, 4n)), 'nn.ConvTranspose2d(64, 96, 3, 2, 1, 1, 4)');
  });

  it('appends groups when it is absent', () => {
    const text = 'Conv1d(10, 20, kernel_size=5)';
    assert.equal(apply(text, setGroupsEdit(text, 2n)), 'Conv1d(10, 20, kernel_size=5, groups=2)');
  });

  it('refuses non-conv calls and star arguments', () => {
    assert.equal(setGroupsEdit('nn.Linear(3, 4)', 2n), null);
    assert.equal(setGroupsEdit('nn.Conv2d(*args)', 2n), null);
  });
});

describe('separableEdit', () => {
  const context = (fileText = NN, column = 8) => ({ indent: '        ', column, fileText });

  it('rewrites a dense 3x3 conv into named depthwise 3x3 + pointwise 1x1 parts, one per line, keeping argument text', () => {
    const text = 'nn.Conv2d(cin, cout, 3, stride=2, padding=1)';
    assert.equal(apply(text, separableEdit(text, context())), [
      'nn.Sequential(OrderedDict([',
      "            ('depthwise', nn.Conv2d(cin, cin, 3, stride=2, padding=1, groups=cin, bias=False)),",
      "            ('pointwise', nn.Conv2d(cin, cout, 1)),",
      '        ]))',
    ].join('\n'));
  });

  it('binds positional stride/padding/dilation and moves bias to the pointwise conv', () => {
    const text = 'nn.Conv2d(64, 128, (3, 3), 1, 2, 2, bias=False)';
    assert.equal(apply(text, separableEdit(text, context())), [
      'nn.Sequential(OrderedDict([',
      "            ('depthwise', nn.Conv2d(64, 64, (3, 3), stride=1, padding=2, dilation=2, groups=64, bias=False)),",
      "            ('pointwise', nn.Conv2d(64, 128, 1, bias=False)),",
      '        ]))',
    ].join('\n'));
  });

  it('adds the OrderedDict import before the first import, once', () => {
    assert.deepEqual(separableImport('"""doc"""\nimport torch\nimport torch.nn as nn\n'), { start: 10, end: 10, text: 'from collections import OrderedDict\n' });
    assert.equal(separableImport('from collections import OrderedDict\nimport torch\n'), null);
    assert.equal(separableImport('from typing import List, OrderedDict\n'), null);
    // A file that imports the collections module calls it through that name.
    assert.equal(separableImport('import collections\nimport torch\n'), null);
    const text = 'nn.Conv2d(8, 16, 3)';
    assert.match(apply(text, separableEdit(text, context('import collections\nimport torch.nn as nn\n'))), /^nn\.Sequential\(collections\.OrderedDict\(\[/);
  });

  it('gives a module whose state_dict names the parts, with the channels PyTorch would build', () => {
    const before = ['import torch', 'import torch.nn as nn', '', '', 'class Net(nn.Module):', '    def __init__(self):', '        super().__init__()',
      '        self.dense = nn.Conv2d(32, 64, 3, padding=1)', '', '    def forward(self, x):', '        return self.dense(x)', '', '', 'y = Net()(torch.randn(1, 32, 16, 16))', ''].join('\n');
    const call = 'nn.Conv2d(32, 64, 3, padding=1)';
    const at = before.indexOf(call);
    const edit = separableEdit(call, context(before))!;
    const insert = separableImport(before)!;
    const rewritten = before.slice(0, at) + apply(call, edit) + before.slice(at + call.length);
    const after = rewritten.slice(0, insert.start) + insert.text + rewritten.slice(insert.start);
    const model = analyzeFile(after, { file: '/ws/net.py', host: { readFile: () => undefined } }).models[0];
    assert.deepEqual(model.layers.map((l) => [l.name, l.record?.spec.groups, l.record?.output_shape]), [
      ['dense.depthwise', 32n, [1n, 32n, 16n, 16n]],
      ['dense.pointwise', 1n, [1n, 64n, 16n, 16n]],
    ]);
    // depthwise 32*9 = 288, pointwise 32*64 + 64 = 2,112.
    assert.equal(model.totals.params, 2400n);
  });

  it('leaves transposed convs alone', () => {
    assert.equal(separableEdit('nn.ConvTranspose2d(8, 8, 3)', context()), null);
  });

  it('names Sequential the way the file imports torch.nn', () => {
    assert.equal(sequentialCallee('torch.nn.Conv2d', ''), 'torch.nn.Sequential');
    assert.equal(sequentialCallee('Conv2d', 'from torch.nn import Conv2d, Sequential\n'), 'Sequential');
    assert.equal(sequentialCallee('Conv2d', 'from torch import nn\nfrom torch.nn import Conv2d\n'), 'nn.Sequential');
    assert.equal(sequentialCallee('Conv2d', 'import torch\nfrom torch.nn import Conv2d\n'), 'torch.nn.Sequential');
  });

  it('offers the rewrite only for dense kxk non-transposed layers reading 8 or more channels, as the hovers advise it', () => {
    const layer = (kind: string, inChannels: bigint, kernel: bigint[], transposed = false) => ({ kind, spec: { in_channels: inChannels, kernel_size: kernel, transposed } }) as unknown as Parameters<typeof canBecomeSeparable>[0];
    assert.equal(canBecomeSeparable(layer('dense', 32n, [3n, 3n])), true);
    assert.equal(canBecomeSeparable(layer('dense', 8n, [3n, 3n])), true);
    // An RGB stem, a gray one and a 7-channel one stay dense: nothing to offer.
    assert.equal(canBecomeSeparable(layer('dense', 3n, [7n, 7n])), false);
    assert.equal(canBecomeSeparable(layer('dense', 1n, [3n, 3n])), false);
    assert.equal(canBecomeSeparable(layer('dense', 7n, [3n, 3n])), false);
    assert.equal(canBecomeSeparable(layer('pointwise', 32n, [1n, 1n])), false);
    assert.equal(canBecomeSeparable(layer('grouped', 32n, [3n, 3n])), false);
    assert.equal(canBecomeSeparable(layer('dense', 32n, [3n], true)), false);
  });
});

describe('groups diagnostics and their fixes', () => {
  const source = [
    'import torch', 'import torch.nn as nn', '', '', 'class Net(nn.Module):', '    def __init__(self):', '        super().__init__()',
    '        self.stem = nn.Conv2d(3, 30, 3, padding=1)', '        self.mid = nn.Conv2d(30, 64, 3, padding=1, groups=4)', '',
    '    def forward(self, x):', '        return self.mid(self.stem(x))', '', '', 'y = Net()(torch.randn(1, 3, 128, 128))', '',
  ].join('\n');
  const analysis = analyzeFile(source, { file: '/ws/net.py', host: { readFile: () => undefined } });
  const d = analysis.diagnostics.find((x) => x.source === 'construct')!;

  it('keeps PyTorch\'s message first, then which count groups does not divide and every valid groups value', () => {
    // gcd(30, 64) = 2: groups 1 and 2 divide both counts (3, 5, ... divide 30 but not 64).
    assert.equal(diagnosticText(d), 'in_channels must be divisible by groups: in_channels 30 is not divisible by groups 4 (valid groups for 30 → 64 channels: 1, 2)');
    assert.equal(diagnosticText({ ...d, fix: { kind: 'groups', values: [8n], in_channels: 64n, out_channels: 60n, groups: 16n } }),
      'in_channels must be divisible by groups: out_channels 60 is not divisible by groups 16 (valid groups for 64 → 60 channels: 1, 2, 4)');
    assert.equal(diagnosticText({ ...d, fix: undefined }), 'in_channels must be divisible by groups');
    // The product of the first 28 primes has 2^28 divisors: a dozen are listed, with the count.
    let p = 1n;
    for (const q of [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n, 53n, 59n, 61n, 67n, 71n, 73n, 79n, 83n, 89n, 97n, 101n, 103n, 107n]) p *= q;
    const huge = diagnosticText({ ...d, fix: { kind: 'groups', values: [], in_channels: p, out_channels: p, groups: p - 1n } });
    assert.match(huge, /, … \(268435456 in all\)\)$/);
    assert.ok(huge.length < 1500, huge);
  });

  it('offers the channel count nearest to a multiple of groups when that alone makes the layer valid', () => {
    assert.ok(d.fix?.kind === 'groups');
    assert.deepEqual(d.fix.values, [2n, 1n]);
    // 28 and 32 are both 2 from 30: the tie keeps the width.
    assert.deepEqual(channelsFix(d.fix), { parameter: 'in_channels', value: 32n });
    assert.deepEqual(channelsFix({ kind: 'groups', values: [], in_channels: 64n, out_channels: 61n, groups: 4n }), { parameter: 'out_channels', value: 60n });
    // Both counts fail: one change cannot fix the layer.
    assert.equal(channelsFix({ kind: 'groups', values: [], in_channels: 30n, out_channels: 66n, groups: 4n }), null);
    const text = 'nn.Conv2d(30, 64, 3, padding=1, groups=4)';
    assert.equal(apply(text, setChannelsEdit(text, 'in_channels', 32n)), 'nn.Conv2d(32, 64, 3, padding=1, groups=4)');
    const keyword = 'nn.Conv2d(in_channels=30, out_channels=64, kernel_size=3, groups=4)';
    assert.equal(apply(keyword, setChannelsEdit(keyword, 'out_channels', 60n)), 'nn.Conv2d(in_channels=30, out_channels=60, kernel_size=3, groups=4)');
    // An expression may be used elsewhere: it is not rewritten.
    assert.equal(setChannelsEdit('nn.Conv2d(width, 64, 3, groups=4)', 'in_channels', 32n), null);
  });
});
