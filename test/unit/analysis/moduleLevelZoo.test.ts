import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/analysis';
import type { FileAnalysis } from '../../../src/analysis/types';

// A model a file builds at module level with a zoo's builder (`model = timm.create_model(...)`)
// is reported even without a conv layer (timm's naflexvit: "0 conv layers" is its exact answer),
// and a build the analysis could not run says why instead of vanishing. The zoo here is a small
// package named timm, written for the test; its figures were checked in PyTorch 1.13.

const LIBRARY: Record<string, string> = {
  '/lib/timm/__init__.py': `import torch.nn as nn
from dataclasses import dataclass, fields


@dataclass
class Cfg:
    width: int = 8
    depth: int = 2


def create_model(name, **kwargs):
    names = {f.name for f in fields(Cfg)}
    cfg = Cfg(**{k: v for k, v in kwargs.items() if k in names})
    if name == 'mlp':
        return nn.Sequential(*[nn.Linear(cfg.width, cfg.width) for _ in range(cfg.depth)])
    if hash(name) > 0:
        return nn.Linear(cfg.width, cfg.width)
    return nn.Identity()
`,
};

function analyze(source: string): FileAnalysis {
  return analyzeFile(source, { file: '/work/use.py', host: { readFile: (f) => LIBRARY[f] }, searchRoots: ['/work'], libraryRoots: ['/lib'] });
}

describe('analysis: module-level models of a zoo', () => {
  it('reports a model without conv layers: 0 convs, and its parameters', () => {
    // PyTorch 1.13: two Linear(16, 16) layers, 2 x (256 + 16) = 544 parameters.
    const result = analyze('import timm\nmodel = timm.create_model("mlp", width=16, unused=1)\n');
    assert.deepEqual(result.models.map((m) => [m.entry, m.totals.conv_layers, m.totals.conv_macs, m.totals.params]), [['model', 0, 0n, 544n]]);
  });

  it('says why a zoo build could not be run, at its line', () => {
    const result = analyze('import timm\nbroken = timm.create_model("other")\n');
    assert.deepEqual(result.models, []);
    const entry = result.unresolved.find((u) => u.what === 'broken');
    assert.equal(entry?.line, 2);
    assert.match(entry?.why ?? '', /^broken could not be built: /);
  });

  it('says nothing of other unknown module-level values', () => {
    const result = analyze('import timm\nimport yaml\ncfg = yaml.safe_load("a: 1")\n');
    assert.equal(result.unresolved.find((u) => u.what === 'cfg'), undefined);
  });
});
