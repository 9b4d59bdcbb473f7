import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/analysis';
import type { FileAnalysis, ModelAnalysis } from '../../../src/analysis/types';

// Unknown is contagious: what code the analysis cannot read may have done is unknown, with the
// reason, and a model that may lack layers has no totals. The relative imports below fail (the
// host has no other file), as they do for a model file opened out of its repository.

function analyze(source: string, entry?: string): FileAnalysis {
  return analyzeFile(source, { file: '/project/net.py', host: { readFile: () => undefined }, input: [1n, 8n, 16n, 16n], ...(entry ? { entry } : {}) });
}

function model(source: string, entry?: string): ModelAnalysis {
  const [found] = analyze(source, entry).models;
  assert.ok(found, 'no model found');
  return found;
}

const HEADER = 'import torch.nn as nn\nfrom ._utils import overwrite, make_block, BaseBlock\n\n';

function assertNoTotals(m: ModelAnalysis, because: RegExp): void {
  assert.deepEqual([m.totals.conv_layers, m.totals.conv_params, m.totals.conv_macs, m.totals.params], [null, null, null, null]);
  assert.match(m.totals.incomplete ?? '', because);
}

describe('analysis: unknown is contagious', () => {
  it('makes a dict handed to an unreadable call unknown afterwards, naming the dict, the call and the failed import', () => {
    const source = `${HEADER}class Net(nn.Module):
    def __init__(self, groups=1):
        super().__init__()
        self.conv = nn.Conv2d(8, 8, 3, groups=groups)

    def forward(self, x):
        return self.conv(x)

def net(**kwargs):
    overwrite(kwargs, "groups", 8)
    return Net(**kwargs)
`;
    const result = analyze(source, 'net');
    const [m] = result.models;
    assert.deepEqual(m.layers, []);
    assertNoTotals(m, /^`kwargs` went through `overwrite`, which could not be read: `from \._utils import overwrite` failed: \._utils was not found relative to net\.py; open the file inside its package, or add the folder that holds the package as an import search root$/);
    assert.ok(result.unresolved.some((u) => u.what === 'net' && u.why.startsWith('totals unknown: `kwargs` went through `overwrite`')));
  });

  it('makes a dict read after an unreadable call unknown, not its stale entry', () => {
    const m = model(`${HEADER}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        cfg = {"groups": 1}
        overwrite(cfg)
        self.conv = nn.Conv2d(8, 8, 3, groups=cfg.get("groups", 1))
        self.pw = nn.Conv2d(8, 8, 1)

    def forward(self, x):
        return self.pw(self.conv(x))
`);
    assert.deepEqual(m.layers.map((l) => [l.name, l.record?.params ?? null]), [['conv', null], ['pw', 72n]]);
    assert.deepEqual(m.layers[0].symbolic?.reasons.some((r) => r.includes('`cfg` went through `overwrite`')), true);
    // Both layers are there; the sums with an unknown term are unknown, not the known part.
    assert.deepEqual([m.totals.conv_layers, m.totals.conv_params, m.totals.conv_macs, m.totals.params], [2, null, null, null]);
  });

  it('makes a list handed to an unreadable call unknown: its length, items and spread', () => {
    const m = model(`${HEADER}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        layers = [nn.Conv2d(8, 8, 3, padding=1)]
        overwrite(layers)
        self.width = len(layers)
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)
`);
    assert.deepEqual(m.layers, []);
    assertNoTotals(m, /`layers` went through `overwrite`/);
  });

  it('makes the attributes an object had before an unreadable call unknown', () => {
    const m = model(`${HEADER}class Config:
    def __init__(self):
        self.groups = 1

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        cfg = Config()
        overwrite(cfg)
        self.conv = nn.Conv2d(8, 8, 3, groups=cfg.groups)

    def forward(self, x):
        return self.conv(x)
`);
    assert.deepEqual(m.layers.map((l) => [l.name, l.record?.params ?? null]), [['conv', null]]);
    assert.deepEqual(m.layers[0].symbolic?.reasons.some((r) => r.includes('`cfg` went through `overwrite`')), true);
    assert.equal(m.totals.conv_params, null);
  });

  it('gives a module handed to an unreadable call unknown totals and unknown earlier attributes, and keeps the layers built after it', () => {
    const m = model(`${HEADER}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.groups = 1
        overwrite(self)
        self.a = nn.Conv2d(8, 8, 3, groups=self.groups)
        self.b = nn.Conv2d(8, 16, 1)

    def forward(self, x):
        return self.b(x)
`);
    assert.deepEqual(m.layers.map((l) => [l.name, l.record?.params ?? null]), [['a', null], ['b', 144n]]);
    assertNoTotals(m, /^`self` went through `overwrite`, which could not be read/);
  });

  it('never totals a model whose blocks come from a failed import as zero', () => {
    const result = analyze(`${HEADER}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(8, 8, 3, padding=1)
        self.blocks = nn.Sequential(make_block(8), make_block(8))

    def forward(self, x):
        return self.blocks(self.stem(x))
`);
    const [m] = result.models;
    assert.deepEqual(m.layers.map((l) => l.name), ['stem']);
    assertNoTotals(m, /item of Sequential could not be computed: `from \._utils import make_block` failed/);
  });

  it('gives a factory whose model an unreadable call builds (timm style) unknown totals, not zero', () => {
    const source = `${HEADER}class Net(nn.Module):
    def __init__(self, width=8):
        super().__init__()
        self.conv = nn.Conv2d(width, width, 3)
        self.pool, self.head = make_block(width, 10)

def tiny(pretrained=False, **kwargs):
    return overwrite(Net, "tiny", pretrained, **dict(width=8, **kwargs))
`;
    assertNoTotals(model(source, 'tiny'), /^`from \._utils import overwrite` failed/);
    // The class itself: its classifier comes from an unreadable call, so its totals are unknown too.
    const net = model(source, 'Net');
    assert.deepEqual(net.layers.map((l) => l.name), ['conv']);
    assertNoTotals(net, /^self\.pool is set to a value that could not be computed: `from \._utils import make_block` failed/);
  });

  it('keeps the index of an unknown container item, so later items are named as PyTorch names them', () => {
    const m = model(`${HEADER}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList()
        self.blocks.append(make_block(8))
        self.blocks.append(nn.Conv2d(8, 8, 1))
        self.heads = nn.ModuleDict({"a": make_block(8), "b": nn.Conv2d(8, 4, 1)})
        self.blocks.insert(0, make_block(8))
`);
    assert.deepEqual(m.layers.map((l) => l.name), ['blocks.2', 'heads.b']);
    assert.equal(m.totals.conv_layers, null);
  });

  it('finds the layers of a class built on an unreadable base, and leaves its totals unknown', () => {
    const m = model(`${HEADER}class Block(BaseBlock):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(8, 8, 3, padding=1)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block()

    def forward(self, x):
        return self.block.conv(x)
`, 'Net');
    assert.deepEqual(m.layers.map((l) => [l.name, l.record?.params ?? null]), [['block.conv', 584n]]);
    assertNoTotals(m, /^Block is built on a base class that could not be read: `from \._utils import BaseBlock` failed/);
  });

  it('keeps a model exact when unreadable calls are given only numbers and strings', () => {
    const m = model(`${HEADER}class Net(nn.Module):
    def __init__(self, width=8):
        super().__init__()
        overwrite("usage", width, 2.0)
        self.conv = nn.Conv2d(width, width, 3, padding=1)

    def forward(self, x):
        return self.conv(x)
`);
    assert.deepEqual(m.totals, { conv_layers: 1, conv_params: 584n, conv_macs: 147456n, params: 584n });
  });

  it('gives a function whose return statement fails an unknown result, not None', () => {
    const result = analyze(`${HEADER}def width():
    return [c for c in make_block(8)]

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        w = width()
        self.conv = nn.Conv2d(8, 8 if w is None else 16, 1)
`);
    const [m] = result.models;
    assert.equal(m.layers[0].record, null);
  });
});
