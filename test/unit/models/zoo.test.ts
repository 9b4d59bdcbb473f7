import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../../src/analysis';
import type { AnalysisOptions, FileAnalysis } from '../../../src/analysis/types';
import { NodeSourceHost } from '../../../src/cli/nodeHost';
import { renderReport } from '../../../src/report';

// Models as model zoos give them (issue 11): a module-level `model = zoo.create_model(...)`, the
// input a zoo model's pretrained config states, and the Python a zoo's own code runs while it
// builds (decorated registries, functools.wraps, re on block strings, dataclass configs).
// Figures are exact in the corpus goldens (test/fixtures/models/minitimm, use_minitimm.py,
// torchvision_builders.py); this file checks what the goldens do not hold.

const CORPUS = path.resolve(__dirname, '../../fixtures/models');

function analyzeCorpus(file: string, options: Partial<AnalysisOptions> = {}): FileAnalysis {
  const full = path.join(CORPUS, file);
  return analyzeFile(fs.readFileSync(full, 'utf8'), { file: full, host: new NodeSourceHost(), searchRoots: [CORPUS], ...options });
}

function analyze(source: string, files: Record<string, string> = {}): FileAnalysis {
  return analyzeFile(source, { file: '/p/main.py', host: { readFile: (p) => files[p] }, searchRoots: ['/p'] });
}

/** The value a module-level name holds once the file's top level has run, as the report shows it. */
function valueOf(source: string, name: string): string {
  const probe = `${source}\nfrom torch import nn\n\nclass Probe(nn.Module):\n    def __init__(self):\n        super().__init__()\n        n = len(str(${name}))\n        self.conv = nn.Conv2d(n, n, 1, groups=n)\n`;
  const layer = analyze(probe, {}).models.find((m) => m.entry === 'Probe')?.layers[0];
  return layer?.record && !layer.symbolic ? String(layer.record.spec.groups) : 'unknown';
}

describe('zoo: a model built at module level', function () {
  this.timeout(120_000);

  it('is a model of the file, named and anchored by its variable, its input from the pretrained config', () => {
    const a = analyzeCorpus('use_minitimm.py');
    assert.deepEqual(a.models.map((m) => m.entry), ['model']);
    const [model] = a.models;
    assert.equal(model.range.line, 3);
    assert.equal(model.range.column, 0);
    assert.deepEqual(model.input, [1n, 3n, 96n, 96n]);
    assert.equal(model.inputSource, 'pretrained_cfg');
    assert.equal(model.totals.conv_layers, 31);
  });

  it('says in the report where the input came from', () => {
    const analysis = analyzeCorpus('use_minitimm.py');
    const text = renderReport([{ file: 'use_minitimm.py', analysis, model: analysis.models[0], args: '' }], 'table');
    assert.match(text, /input \[1, 3, 96, 96\] \(from the model's pretrained config\)/);
  });

  it('takes the input the file feeds it over the pretrained config', () => {
    const a = analyzeCorpus('use_minitimm.py');
    const source = fs.readFileSync(path.join(CORPUS, 'use_minitimm.py'), 'utf8');
    const fed = analyzeFile(`import torch\n${source}\nmodel(torch.randn(2, 3, 32, 32))\n`, { file: path.join(CORPUS, 'fed.py'), host: new NodeSourceHost(), searchRoots: [CORPUS] });
    assert.deepEqual(fed.models[0].input, [2n, 3n, 32n, 32n]);
    assert.equal(fed.models[0].inputSource, 'code');
    assert.equal(a.models[0].totals.conv_params, fed.models[0].totals.conv_params);
  });

  it('leaves a lone layer, a non-module and the file\'s own classes to their usual places', () => {
    const files = {
      '/p/zoo.py': 'from torch import nn\n\ndef make():\n    return nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())\n\ndef layer():\n    return nn.Conv2d(3, 8, 3)\n\ndef number():\n    return 3\n',
    };
    const a = analyze('from torch import nn\nfrom zoo import make, layer, number\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.c = nn.Conv2d(3, 3, 1)\n\nnet = Net()\nmodel = make()\nconv = layer()\nn = number()\n', files);
    assert.deepEqual(a.models.map((m) => m.entry).sort(), ['Net', 'model']);
  });

  it('is found by --entry under its variable name', () => {
    const a = analyzeCorpus('use_minitimm.py', { entry: 'model' });
    assert.deepEqual(a.models.map((m) => m.entry), ['model']);
  });
});

describe('zoo: a conv subclass whose forward computes with F.conv2d (timm\'s ScaledStdConv2d)', () => {
  it('was called: its MACs are PyTorch\'s or unknown, never the 0 of a conv forward never called', () => {
    const source = [
      'import torch', 'from torch import nn', 'import torch.nn.functional as F', '', '',
      'class StdConv(nn.Conv2d):', '    def forward(self, x):', '        w = self.weight - self.weight.mean()',
      '        return F.conv2d(x, w, self.bias, self.stride, self.padding, self.dilation, self.groups)', '', '',
      '# conv-lens: input=(1, 3, 16, 16)', 'class Net(nn.Module):', '    def __init__(self):', '        super().__init__()',
      '        self.conv = StdConv(3, 8, 3, padding=1)', '', '    def forward(self, x):', '        return self.conv(x)', '',
    ].join('\n');
    const [model] = analyze(source).models;
    const [layer] = model.layers;
    // PyTorch 1.13 (hooks on Net()(torch.randn(1, 3, 16, 16))): output (1, 8, 16, 16), 55296 MACs, 224 params.
    assert.equal(model.totals.params, 224n);
    assert.notEqual(layer.note, 'never called in forward');
    assert.ok(layer.record?.macs === null || layer.record?.macs === 55296n, `macs ${layer.record?.macs}`);
    assert.ok(model.totals.conv_macs === null || model.totals.conv_macs === 55296n, `conv_macs ${model.totals.conv_macs}`);
  });
});

describe('zoo: the Python a zoo runs while it builds', () => {
  it('binds `not` tighter than `and`/`or`, as Python does (lezer reads `not a or b` as `not (a or b)`)', () => {
    assert.equal(valueOf('x = 3 if (not True or 1 == 1) else 5', 'x'), '1');
    assert.equal(valueOf('x = "abc" if (not False and 1 == 2) else "a"', 'x'), '1');
    assert.equal(valueOf('x = "abc" if (not True and False or True) else "a"', 'x'), '3');
  });

  it('builds timm\'s registry types: defaultdict fills a missing key on [] only, deque has appendleft and popleft', () => {
    // Figures from Python 3.11: len(str(x)) of each x.
    assert.equal(valueOf('from collections import defaultdict\nd = defaultdict(list)\nd["a"].append(7)\nx = (d["a"], "b" in d, len(d))', 'x'), '15');
    assert.equal(valueOf('from collections import defaultdict\nd = defaultdict(list)\nx = (d.get("z"), len(d))', 'x'), '9');
    assert.equal(valueOf('from collections import deque\nq = deque(["b"])\nq.appendleft("a")\nq.append("c")\nx = q[0] + q.popleft() + q[-1]', 'x'), '3');
    assert.equal(valueOf('x = (hasattr([], "appendleft"), hasattr([], "popleft"))', 'x'), '14');
    const copies = 'import copy\nfrom collections import defaultdict, deque\nd = defaultdict(list)\ne = copy.deepcopy(d)\nf = d.copy()\ng = copy.copy(d)\ne["a"]\nf["b"]\ng["c"]\n'
      + 'q = copy.deepcopy(deque(["x"]))\nq.appendleft("w")\nr = copy.copy(q)\nr.appendleft("v")\nx = (len(e), len(f), len(g), r[0] + q[0])';
    assert.equal(valueOf(copies, 'x'), '15');
  });

  it('knows a class or a function is no collection, and finds the file itself in sys.modules as __main__', () => {
    assert.equal(valueOf('import collections.abc\nclass A:\n    pass\nx = isinstance(A, collections.abc.Iterable)', 'x'), '5');
    assert.equal(valueOf('import collections.abc\ndef f():\n    pass\nx = isinstance(f, collections.abc.Sequence)', 'x'), '5');
    assert.equal(valueOf('import sys\nREG = 1\nx = hasattr(sys.modules["__main__"], "REG")', 'x'), '4');
  });

  it('keeps a stored None in dict.get and dict.pop', () => {
    assert.equal(valueOf('d = {"w": None}\nx = d.get("w", "abc")', 'x'), '4');
    assert.equal(valueOf('d = {"w": None}\nx = d.pop("w", "abc")', 'x'), '4');
  });

  it('makes a dict whose item was set under an unknown key unknown, never a definite KeyError', () => {
    const source = 'import somewhere\nd = {}\nd[somewhere.key()] = 1\ntry:\n    x = d["k"]\nexcept KeyError:\n    x = "abc"\n';
    assert.equal(valueOf(source, 'x'), 'unknown');
  });

  it('splits block strings with re.split and keeps the captured group', () => {
    assert.equal(valueOf('import re\nkey, value = re.split(r"(\\d.*)", "se0.25")[:2]\nx = value', 'x'), '4');
    assert.equal(valueOf('import re\nx = re.split(r"(a+)+$", "aaaa")', 'x'), 'unknown');
  });

  it('keeps a decorated function\'s name through functools.wraps, and registers it under that name', () => {
    const source = [
      'import functools', 'REG = {}', 'def register(fn):', '    REG[fn.__name__] = fn', '    return fn',
      'def legacy(fn):', '    @functools.wraps(fn)', '    def wrapper(*a, **k):', '        return fn(*a, **k)', '    return wrapper',
      '@register', '@legacy', 'def resnet_tiny(w=None):', '    return 7', 'x = list(REG)[0]',
    ].join('\n');
    assert.equal(valueOf(source, 'x'), String('resnet_tiny'.length));
  });

  it('gives an unknown, never None, from a function whose try holding a return failed', () => {
    const source = 'def make():\n    try:\n        return undefined_helper()\n    except TypeError:\n        return 6\n    \nx = "abc" if make() is None else "abcde"';
    assert.equal(valueOf(source, 'x'), 'unknown');
    assert.equal(valueOf('import math\nx = "a" * math.comb(4, 2)', 'x'), '6');
  });

  it('reads str.partition and gives each dataclass instance its own default_factory value', () => {
    assert.equal(valueOf('x = "arch.tag_in1k".partition(".")[2]', 'x'), String('tag_in1k'.length));
    const source = 'from dataclasses import dataclass, field\n@dataclass\nclass C:\n    kw: dict = field(default_factory=dict)\na = C()\nb = C()\na.kw["k"] = 1\nx = "abc" if b.kw else "abcde"';
    assert.equal(valueOf(source, 'x'), '5');
  });
});
