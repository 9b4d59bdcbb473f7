import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/analysis';
import type { FileAnalysis } from '../../../src/analysis/types';

// Text built from values (str(), f-strings, `%`, str.format), comparisons of long strings and
// sequences, and formulas of unknowns are charged by their size and bounded: each input below
// must end with what it skipped said, and the rest intact.

function analyze(body: string): FileAnalysis {
  const init = body.split('\n').map((l) => `        ${l}`).join('\n');
  const text = `import torch\nimport torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 8, 3)\n${init}\n`;
  return analyzeFile(text, { file: '/project/net.py', host: { readFile: () => undefined } });
}

const whys = (r: FileAnalysis): string => r.unresolved.map((u) => u.why).join(' | ');

function runsOutOfSteps(loopBody: string): void {
  const r = analyze(`for i in range(100000):\n    ${loopBody.split('\n').join('\n    ')}`);
  assert.match(whys(r), /step budget exceeded/);
  assert.equal(r.models[0].entry, 'Net');
}

describe('analysis: hostile text, comparisons and formulas', () => {
  const loops: Array<[string, string]> = [
    ['str() of a million-item list', 's = str([1] * 1000000)'],
    ['an f-string of a million-item list', 's = f"{[1] * 1000000}"'],
    ['% of a million-item list', 's = "%s" % ([1] * 1000000,)'],
    ['str.format of a million-item list', 's = "{}".format([1] * 1000000)'],
    ['== of two long strings', 'e = "ab" * 1000000 == "ab" * 1000000'],
    ['< of two long strings', 'e = "ab" * 1000000 < "ab" * 1000000'],
    ['== of two long lists', 'e = [1] * 1000000 == [1] * 1000000'],
    ['in of a long list', 'e = 2 in [1] * 1000000'],
    ['str.replace on 3 million characters (fuzz seed 2026, repvgg: 5.6 s)', 's = "x" * 3000000\nt = s.replace("x", "yy")'],
    ['str.split on 3 million characters', 's = "x" * 3000000\nt = s.split("x")'],
  ];
  for (const [name, body] of loops) it(`${name}, in a loop, runs out of steps`, () => runsOutOfSteps(body));

  it('text past 4 million characters is unknown with the reason', () => {
    const r = analyze('s = "x" * 3000000\nt = f"{s}{s}"');
    assert.match(whys(r), /a string of 6,000,000 characters is too long to follow/);
  });

  it('still formats what models format', () => {
    const r = analyze('names = [f"layer{i}_{j!r}" for i, j in [(1, "a")]] + ["%d-%s" % (2, "b"), "{}:{k}".format(3, k=4)]\nassert names == ["layer1_\'a\'", "2-b", "3:4"]');
    assert.equal(r.unresolved.length, 0, whys(r));
  });

  it('a formula of unknowns past degree 64 is unknown without its formula, with the reason', () => {
    const r = analyzeFile('import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self, c):\n        super().__init__()\n        y = 1\n        for i in range(200):\n            y = y * (c + i)\n        self.conv = nn.Conv2d(c, y, 3)\n', { file: '/project/net.py', host: { readFile: () => undefined } });
    assert.match(whys(r), /a formula of \d+ terms of degree 65 is too large to follow \(the limits are 1,000 terms and degree 64\)/);
  });
});
