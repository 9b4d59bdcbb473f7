import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DocumentAnalyzer, analyzeFile } from '../../../src/analysis';
import type { AnalysisOptions, FileAnalysis } from '../../../src/analysis/types';

// The editor's incremental analyzer reuses the parse and the models an edit did not touch;
// after any sequence of edits it must say exactly what a fresh analysis of the text says.

const CORPUS = path.resolve(__dirname, '../../fixtures/models');
const options: AnalysisOptions = { file: '/project/zoo.py', host: { readFile: () => undefined } };
const json = (r: FileAnalysis): string => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

/** Two corpus models in one file, so an edit in one leaves the other reusable. */
function zoo(): string {
  const a = fs.readFileSync(path.join(CORPUS, 'resnet_cifar.py'), 'utf8');
  const b = fs.readFileSync(path.join(CORPUS, 'mobilenet_v1.py'), 'utf8');
  return `${a}\n\n${b}`;
}

function edit(text: string, from: number, to: number, insert: string): { text: string; change: { from: number; to: number; insert: string } } {
  return { text: text.slice(0, from) + insert + text.slice(to), change: { from, to, insert } };
}

describe('analysis: incremental updates equal a fresh analysis', () => {
  it('after changing a channel count, inserting a line and deleting it again', () => {
    let text = zoo();
    const analyzer = new DocumentAnalyzer(options);
    analyzer.update(text);
    const conv = text.indexOf('nn.Conv2d(3, 64');
    assert.ok(conv > 0);
    const steps = [
      () => edit(text, conv + 10, conv + 11, '1'),
      () => edit(text, conv, conv, 'x = 1\n        '),
      () => edit(text, conv, conv + 'x = 1\n        '.length, ''),
      () => edit(text, text.length, text.length, '\nclass Extra(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.c = nn.Conv2d(4, 8, 3, groups=2)\n'),
    ];
    for (const step of steps) {
      const { text: next, change } = step();
      const incremental = analyzer.update(next, [change]);
      text = next;
      assert.equal(json(incremental), json(analyzeFile(text, options)));
    }
  });

  it('reuses the models an edit did not touch', () => {
    const text = zoo();
    const analyzer = new DocumentAnalyzer(options);
    const before = analyzer.update(text);
    const at = text.lastIndexOf('nn.Conv2d(');
    const after = analyzer.update(text.slice(0, at + 10) + '1' + text.slice(at + 10), [{ from: at + 10, to: at + 10, insert: '1' }]);
    const reused = after.models.filter((m) => before.models.includes(m)).map((m) => m.entry);
    const redone = after.models.filter((m) => !before.models.includes(m)).map((m) => m.entry);
    assert.ok(reused.length > 0 && redone.length > 0, `reused ${reused.join(', ')}; re-analyzed ${redone.join(', ')}`);
  });
});
