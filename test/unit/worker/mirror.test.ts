import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DocumentAnalyzer, analyzeFile } from '../../../src/analysis';
import type { AnalysisOptions } from '../../../src/analysis/types';
import { MirroredDocument } from '../../../src/worker/mirror';

const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
const options: AnalysisOptions = { file: '/w/zoo.py', host: { readFile: () => undefined } };

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SNIPPETS = ['1', '2', ' ', '\n', 'x = 3\n', '(', ')', 'groups=4', '#', 'nn.Conv2d(8, 16, 3)', ''];

describe('analysis worker: the document mirror', () => {
  const corpus = path.resolve(__dirname, '../../fixtures/models');
  const original = fs.readFileSync(path.join(corpus, 'resnet_cifar.py'), 'utf8') + '\n\n' + fs.readFileSync(path.join(corpus, 'mobilenet_v1.py'), 'utf8');

  it('keeps the text of many edit events (several changes each, last first) and, as one envelope, gives the analysis a fresh one would', () => {
    const next = random(12);
    let text = original;
    const mirror = new MirroredDocument(text, 1);
    const analyzer = new DocumentAnalyzer(options);
    analyzer.update(text, mirror.takeChanges(), options);
    for (let round = 0; round < 12; round++) {
      // A few events between analyses, as typing between two debounced runs.
      for (let event = 0; event < 1 + Math.floor(next() * 3); event++) {
        const changes = [];
        let limit = text.length;
        for (let c = 0; c < 1 + Math.floor(next() * 3); c++) {
          // Non-overlapping changes, listed from the end of the text to its start as VS Code does.
          const to = Math.floor(next() * limit);
          const from = Math.max(0, to - Math.floor(next() * 8));
          changes.push({ from, to, text: SNIPPETS[Math.floor(next() * SNIPPETS.length)] });
          limit = from;
        }
        for (const c of changes) text = text.slice(0, c.from) + c.text + text.slice(c.to);
        assert.ok(mirror.apply(changes, mirror.version + 1, text.length));
        assert.equal(mirror.text, text);
      }
      const incremental = analyzer.update(text, mirror.takeChanges(), options);
      assert.equal(json(incremental), json(analyzeFile(text, options)), `round ${round}`);
    }
  });

  it('loses the text, and says so, when a change does not fit', () => {
    const mirror = new MirroredDocument('abc', 1);
    assert.equal(mirror.apply([{ from: 1, to: 9, text: '' }], 2, 1), false);
    assert.equal(mirror.text, null);
    const other = new MirroredDocument('abc', 1);
    assert.equal(other.apply([{ from: 1, to: 2, text: 'xx' }], 2, 3), false, 'the length the host sent does not match');
  });
});
