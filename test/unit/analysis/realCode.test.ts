import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/analysis';
import type { ModelAnalysis } from '../../../src/analysis/types';

// Python as real model repositories write it, each case one that once made a figure wrong or lost
// it. A probe builds `nn.Conv2d(1, VALUE, 1)`, whose 2 * VALUE parameters read the value back; the
// expected values were printed by CPython 3 (and torch 1.13 where torch is imported). The import
// from `._utils` fails (the host has no other file), which is how these tests make a value unknown.

const HEADER = 'import torch.nn as nn\nfrom ._utils import unknown\n\n';

function model(source: string): ModelAnalysis {
  const result = analyzeFile(source, { file: '/project/net.py', host: { readFile: () => undefined }, input: [1n, 1n, 8n, 8n], entry: 'Net' });
  const [found] = result.models;
  assert.ok(found, 'no model found');
  return found;
}

/** The value `expr` has after `prelude` (module-level code), read back from a conv's parameters; null when unknown. */
function probe(prelude: string, expr: string): bigint | null {
  const m = model(`${HEADER}${prelude}

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(1, ${expr}, 1)

    def forward(self, x):
        return self.c(x)
`);
  const params = m.modules.find((x) => x.name === 'c')?.params ?? null;
  return params === null ? null : params / 2n;
}

describe('analysis: Python as real repositories write it', () => {
  it('reads a float written with a trailing dot before a comment', () => {
    assert.equal(probe('br = 1.  # ratio\nw = 3.\n', 'int(8 * br * w)'), 24n);
    assert.equal(probe('def f(br: float = 2.  # ratio\n      ):\n    return br\n', 'int(4 * f())'), 8n);
  });

  it('reads `not a or b` as `(not a) or b`', () => {
    assert.equal(probe('a = True\nb = True\n', '8 if not a or b else 4'), 8n);
    assert.equal(probe('a = False\nb = False\n', '8 if not a and b else 4'), 4n);
  });

  it('does not take the fall-through of an if on an unknown condition whose branch returns as certain', () => {
    assert.equal(probe('def f():\n    if unknown:\n        return 4\n    return 8\n', 'f()'), null);
    assert.equal(probe('def f():\n    for i in range(2):\n        if unknown:\n            return 4\n    return 8\n', 'f()'), null);
    assert.equal(probe('def f():\n    if unknown:\n        raise ValueError()\n    return 8\n', 'f()'), 8n);
  });

  it('makes a dict lookup of an unknown key unknown, neither a KeyError nor a guess', () => {
    assert.equal(probe("d = {'a': 4, 'b': 8}\n", 'd[unknown]'), null);
    assert.equal(probe("d = {'a': 4}\n", 'd[unknown]'), null);
    assert.equal(probe("d = {'a': 4, 'b': 8}\n", "d.get(unknown, 2)"), null);
    assert.equal(probe("d = {'a': 4, 'b': 8}\n", "8 if unknown in d else 4"), null);
    assert.equal(probe("d = {'a': 4, 'b': 8}\nd[unknown] = 2\n", "d['a']"), null);
    assert.equal(probe("d = {'a': 4, 'b': 8}\nd.pop(unknown)\n", "d['a']"), null);
    assert.equal(probe("d = {('a', 1): 4}\n", "d[('a', unknown)]"), null);
    // A key whose value is None is found: CPython gives None, not the default.
    assert.equal(probe("d = {'w': None}\n", "8 if d.get('w', object()) is None else 4"), 8n);
    assert.equal(probe("d = {'w': None}\n", "8 if d.pop('w', 1) is None else 4"), 8n);
  });

  it('forgets a list value when the statement that rebinds it fails', () => {
    assert.equal(probe('xs = [1, 2]\nxs = unknown(xs)\n', '4 * len(xs)'), null);
    assert.equal(probe('xs = [1, 2]\nxs += unknown\n', '4 * len(xs)'), null);
    assert.equal(probe('xs = [1, 2]\nxs = [unknown(x) for x in xs]\n', '4 * len(xs)'), 8n);
    assert.equal(probe("d = {'k': 1}\nunknown(d)\nxs = []\nxs.extend([dict(d)])\n", '4 * len(xs) + 1'), null);
    assert.equal(probe("d = {'k': unknown}\nxs = []\nxs.append(d['k'] + 1)\n", '4 * len(xs) + 1'), 5n);
  });

  it('runs the string methods model configs use', () => {
    assert.equal(probe("p = 'a.b.c'.split('.', 1)\n", "len(p) * 10 + len(p[1])"), 23n);
    assert.equal(probe("p = 'a.b.c'.rsplit('.', 1)\n", "len(p) * 10 + len(p[0])"), 23n);
    assert.equal(probe("p = 'a b  c'.split(None, 1)\n", "len(p[1])"), 4n);
    assert.equal(probe("s = 'xxaxyx'.strip('xy')\n", "len(s) + len('xxa'.lstrip('x')) + len('axx'.rstrip('x'))"), 3n);
    assert.equal(probe("h, sep, t = 'a=b=c'.partition('=')\n", "len(h) * 100 + len(sep) * 10 + len(t)"), 113n);
    assert.equal(probe("h, sep, t = 'a=b=c'.rpartition('=')\n", "len(h) * 100 + len(sep) * 10 + len(t)"), 311n);
    assert.equal(probe("p = ' a b c'.rsplit(None, 1)\n", "len(p[0]) * 10 + 'a.b.c'.count('.') + 'a.b.c'.rfind('.') * 100"), 342n);
    assert.equal(probe('', "'abc'.find('z') + 2 + len('ir_r1_k3'.split(sep='_', maxsplit=1)[1]) * 10"), 51n);
    assert.equal(probe("h, sep, t = 'a.b'.partition(',')\n", "len(h) * 100 + len(sep) * 10 + len(t) + 1"), 301n);
  });

  it('takes a tuple of classes in issubclass', () => {
    assert.equal(probe('class A: pass\nclass B: pass\nclass C(B): pass\n', '8 if issubclass(C, (A, B)) else 4'), 8n);
    assert.equal(probe('class A: pass\nclass B: pass\n', '8 if issubclass(A, (B,)) else 4'), 4n);
  });

  it('leaves any(), all() and filter() unknown when an unknown truth could decide them', () => {
    assert.equal(probe('', '8 if any([False, unknown]) else 4'), null);
    assert.equal(probe('', '8 if any([unknown, True]) else 4'), 8n);
    assert.equal(probe('', '8 if all([True, unknown]) else 4'), null);
    assert.equal(probe('', '8 if all([unknown, False]) else 4'), 4n);
    assert.equal(probe('', 'len(list(filter(None, [1, unknown, 0])))'), null);
  });

  it("reads torch's pure-Python tuple helpers", () => {
    const prelude = 'from torch.nn.modules.utils import _pair, _single, _triple, _quadruple, _ntuple\n';
    assert.equal(probe(prelude, 'sum(_pair(3)) + sum(_pair((1, 2))) + len(_single(2)) + len(_triple(1))'), 13n);
    assert.equal(probe(prelude, 'len(_quadruple(0)) + sum(_ntuple(5)(2)) + sum(_pair([3, 4]))'), 21n);
  });

  it('runs torch.utils.checkpoint and answers torch.jit as eager code sees it', () => {
    const m = model(`import torch
import torch.nn as nn
from torch.utils.checkpoint import checkpoint, checkpoint_sequential

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(1, 2, 3)
        self.b = nn.Sequential(nn.Conv2d(2, 3, 3), nn.Conv2d(3, 4, 3))

    def forward(self, x):
        if not torch.jit.is_scripting() and not torch.jit.is_tracing():
            x = checkpoint(self.a, x, use_reentrant=False)
        return checkpoint_sequential(self.b, 2, x)
`);
    // PyTorch 1.13 on (1, 1, 8, 8): torch.Size([1, 4, 2, 2]).
    assert.deepEqual(m.layers.map((l) => l.record?.output_shape ?? null), [[1n, 2n, 6n, 6n], [1n, 3n, 4n, 4n], [1n, 4n, 2n, 2n]]);
    assert.notEqual(m.totals.conv_macs, null);
  });

  it('registers and reads modules through setattr, __setattr__, register_module, getattr and __getattr__, and forgets them through __delattr__ and delattr', () => {
    const m = model(`import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.width = 4
        setattr(self, 'a', nn.Conv2d(1, 2, 1))
        self.__setattr__('b_%d' % 1, nn.Conv2d(2, 3, 1))
        self.register_module('c', nn.Conv2d(3, 4, 1))
        self.d = nn.Conv2d(4, 5, 1)
        self.__delattr__('d')
        self.e = nn.Conv2d(4, 6, 1)
        delattr(self, 'e')

    def forward(self, x):
        x = getattr(self, 'a')(x)
        x = self.__getattr__('b_1')(x)
        return self.__getattr__('c')(x)
`);
    // PyTorch 1.13: [('a', 4), ('b_1', 9), ('c', 16)], output torch.Size([1, 4, 8, 8]).
    assert.deepEqual(m.modules.map((x) => [x.name, x.params]), [['a', 4n], ['b_1', 9n], ['c', 16n]]);
    assert.deepEqual(m.layers.at(-1)?.record?.output_shape, [1n, 4n, 8n, 8n]);
  });

  it('leaves an attribute named by an unknown value unknown, and Module.__getattr__ of a plain attribute unknown', () => {
    assert.equal(probe('class C:\n    pass\nc = C()\nc.k = 8\n', 'getattr(c, unknown)'), null);
    assert.equal(probe('class C:\n    pass\nc = C()\nc.k = 8\nsetattr(c, unknown, 4)\n', 'c.k'), null);
    assert.equal(probe('m = nn.ReLU()\nm.width = 4\n', 'm.__getattr__("width")'), null);
  });

  it('builds named tuple copies with _replace, and dataclass copies with dataclasses.replace (running __post_init__ again)', () => {
    const prelude = "import collections\nfrom dataclasses import dataclass, replace\nBA = collections.namedtuple('BA', ['k', 'c'])\nb = BA(k=3, c=4)._replace(c=8)\n"
      + '@dataclass\nclass Cfg:\n    c: int\n    d: int = 2\n    def __post_init__(self):\n        self.e = self.c * self.d\nx = replace(Cfg(3), d=5)\n';
    // CPython: BA(k=3, c=8), ('k', 'c'), Cfg(c=3, d=5) with e == 15.
    assert.equal(probe(prelude, 'b.k * 100 + b.c * 10 + len(b._fields) + len(b._asdict())'), 384n);
    assert.equal(probe(prelude, 'x.c * 100 + x.d * 10 + x.e - 15'), 350n);
  });

  it('runs re.split, re.findall, re.match, re.search, re.fullmatch, re.sub and re.compile as Python does', () => {
    // CPython: ['se', '0.25', ''], ['a', 'b,c'], ['2', '3', '22'], [('r', '2'), ('k', '3')], ('resnet', '50'), span (0, 8).
    assert.equal(probe('import re\nkey, value = re.split(r"(\\d.*)", "k3")[:2]\n', 'int(value) * 10 + len(key)'), 31n);
    assert.equal(probe('import re\np = re.split(r"(\\d.*)", "se0.25")\nq = re.split(",", "a,b,c", 1)\n', 'len(p) * 100 + len(p[2]) * 10 + len(q[1])'), 303n);
    assert.equal(probe('import re\n', 'sum(int(x) for x in re.findall(r"\\d+", "r2_k3_s22")) + len(re.findall(r"([a-z]+)(\\d+)", "r2_k3")) * 100'), 227n);
    assert.equal(probe('import re\nm = re.match(r"(\\w+?)(\\d+)$", "resnet50")\n', 'int(m.group(2)) + len(m.group(1)) * 100 + m.span()[1] * 1000'), 8650n);
    assert.equal(probe('import re\n', '(8 if re.match(r"\\d", "a1") is None else 4) + re.search(r"\\d", "a1").start() * 10 + len(re.fullmatch("a|ab", "ab").group(0)) * 100'), 218n);
    assert.equal(probe('import re\np = re.compile(r"(?P<k>[a-z]+)(?P<v>\\d+)", re.I)\n', 'int(p.match("K3").group("v")) + len(re.sub(r"(\\d)", r"<\\1>", "a1b2")) * 10 + len(re.sub("_", "", "a_b_c", 1)) * 100'), 483n);
  });

  it('leaves a regular expression unknown where Python and JavaScript read it differently', () => {
    assert.equal(probe('import re\n', 'len(re.findall(r"\\d*", "a1"))'), null);
    assert.equal(probe('import re\n', 'len(re.findall(r"(?i)a", "A"))'), null);
    assert.equal(probe('import re\n', 'len(re.findall(r"[]a]", "]"))'), null);
  });

  it('gives each dataclass instance its own default_factory value', () => {
    // CPython: 10 (b.xs stays empty).
    const prelude = 'from dataclasses import dataclass, field\n@dataclass\nclass C:\n    xs: list = field(default_factory=list)\na = C()\nb = C()\na.xs.append(1)\n';
    assert.equal(probe(prelude, 'len(a.xs) * 10 + len(b.xs)'), 10n);
  });

  it("gives a dataclass its bases' fields first", () => {
    // CPython: B(1, 3, 4) is B(a=1, b=3, c=4).
    const prelude = 'from dataclasses import dataclass\n@dataclass\nclass A:\n    a: int\n    b: int = 2\n@dataclass\nclass B(A):\n    c: int = 5\nv = B(1, 3, 4)\n';
    assert.equal(probe(prelude, 'v.a * 100 + v.b * 10 + v.c'), 134n);
  });
});

const EXPAND = `import torch.nn as nn

class Block(nn.Module):
    def __init__(self, c, expand):
        super().__init__()
        self.expand = expand
        self.expand_conv = nn.Conv2d(c, c * 2, 1, bias=False)
        self.dw = nn.Conv2d(c * 2 if expand else c, c * 2 if expand else c, 3, padding=1, groups=c * 2 if expand else c, bias=False)

    def forward(self, x):
        if EXPAND_TEST:
            x = self.expand_conv(x)
        return self.dw(x)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Block(4, False)
        self.b = Block(4, True)

    def forward(self, x):
        return self.b(self.a(x))

    @classmethod
    def build(cls, width):
        return cls()

    @staticmethod
    def tiny():
        return Net.build(1)
`;

function expandNet(test: string, entry = 'Net'): ModelAnalysis {
  const source = `from ._utils import unknown\n${EXPAND.replace('EXPAND_TEST', test)}`;
  const result = analyzeFile(source, { file: '/project/net.py', host: { readFile: () => undefined }, input: [1n, 4n, 8n, 8n], entry });
  const [found] = result.models;
  assert.ok(found, `no model ${entry}`);
  return found;
}

describe('analysis: a conv that forward never calls', () => {
  it('counts 0 MACs, says so, and keeps the totals exact, as PyTorch hooks count them', () => {
    const m = expandNet('self.expand');
    // PyTorch 1.13 forward hooks: a.expand_conv 32 params 0 MACs, a.dw 36 / 2304, b.expand_conv 32 / 2048, b.dw 72 / 4608; 8960 in all.
    assert.deepEqual(m.layers.map((l) => [l.name, l.record?.params ?? null, l.record?.macs ?? null, l.note ?? null]), [
      ['a.expand_conv', 32n, 0n, 'never called in forward'], ['a.dw', 36n, 2304n, null], ['b.expand_conv', 32n, 2048n, null], ['b.dw', 72n, 4608n, null],
    ]);
    assert.equal(m.layers[0].record?.input_shape, null);
    assert.equal(m.totals.conv_macs, 8960n);
  });

  it('leaves the uncalled conv unknown when the forward met a condition it could not decide', () => {
    const m = expandNet('self.expand and unknown');
    assert.equal(m.layers[0].record?.macs ?? null, null);
    assert.equal(m.layers[0].note, undefined);
    assert.equal(m.totals.conv_macs, null);
  });

  it('leaves a conv unknown, not uncalled, inside a module whose forward could not be run', () => {
    // Inner has no forward the analysis can run (PyTorch would run whatever it was given): its
    // conv may have run, so neither its MACs nor the total may be 0 or a partial sum.
    const source = `import torch.nn as nn
from ._utils import make_forward

class Inner(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(8, 8, 3, padding=1)
        self.forward = make_forward(self.conv)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 1)
        self.b = Inner()

    def forward(self, x):
        return self.b(self.a(x))
`;
    const [m] = analyzeFile(source, { file: '/project/net.py', host: { readFile: () => undefined }, input: [1n, 3n, 8n, 8n], entry: 'Net' }).models;
    assert.deepEqual(m.layers.map((l) => [l.name, l.record?.macs ?? null, l.note ?? null]), [['a', 1536n, null], ['b.conv', null, null]]);
    assert.equal(m.totals.conv_macs, null);
  });

  it('runs the forward an instance chose in __init__ (self.forward = self.by_slicing), as PyTorch does', () => {
    const source = `import torch.nn as nn

class Half(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c // 2, c // 2, 3, padding=1)
        self.forward = self.by_slicing

    def by_slicing(self, x):
        x = x.clone()
        x[:, :4] = self.conv(x[:, :4])
        return x
`;
    const [m] = analyzeFile(source, { file: '/project/net.py', host: { readFile: () => undefined }, input: [1n, 8n, 8n, 8n], entry: 'Half', args: '8' }).models;
    // 4 x 4 x 9 MACs at each of 64 output positions for 4 channels.
    assert.equal(m.layers[0].record?.macs, 4n * 4n * 9n * 64n);
    assert.deepEqual(m.layers[0].record?.input_shape, [1n, 4n, 8n, 8n]);
  });
});

describe('analysis: classmethod and staticmethod factories as entries', () => {
  it('builds the model through Class.method', () => {
    for (const entry of ['Net.build', 'Net.tiny']) {
      const m = expandNet('self.expand', entry);
      assert.equal(m.entry, entry);
      assert.equal(m.totals.conv_macs, 8960n);
      assert.equal(m.totals.params, 172n);
    }
  });

  it('finds no model for a plain method or a missing one', () => {
    const source = `from ._utils import unknown\n${EXPAND.replace('EXPAND_TEST', 'self.expand')}`;
    for (const entry of ['Net.forward', 'Net.nothing', 'Block.build.x']) {
      const result = analyzeFile(source, { file: '/project/net.py', host: { readFile: () => undefined }, input: [1n, 4n, 8n, 8n], entry });
      assert.deepEqual(result.models, [], entry);
    }
  });
});
