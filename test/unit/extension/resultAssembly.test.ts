import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../../src/analysis';
import type { FileAnalysis } from '../../../src/analysis/types';
import { ResultAssembly } from '../../../src/extension/resultAssembly';
import { AnalysisIndex } from '../../../src/extension/text/index';
import { ResultPart, parseFromWorker, splitResult } from '../../../src/protocol/analysis';

// The host takes in a worker's result part by part (resultAssembly.ts): the lists and their
// index grow with each part, so the result's own message does little. Assembled that way, the
// analysis and its index must be exactly those of the whole analysis.

const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

/** A library of MobileNet-style blocks built by a factory in another file: its layers are declared there, built here. */
function importedLibrary(): FileAnalysis {
  const blocks = Array.from({ length: 30 }, (_, b) => [
    `class Block${b}(nn.Module):`,
    '    def __init__(self):',
    '        super().__init__()',
    '        self.dw = nn.Conv2d(32, 32, 3, padding=1, groups=32)',
    '        self.pw = nn.Conv2d(32, 32, 1)',
    '        self.dense = nn.Conv2d(32, 32, 3, padding=1)',
    '        self.grouped = nn.Conv2d(32, 32, 3, padding=1, groups=4)',
    '',
    '    def forward(self, x):',
    '        return self.grouped(self.dense(self.pw(self.dw(x))))',
    '',
  ].join('\n'));
  const library = ['import torch.nn as nn', '', ...blocks, 'def build():', `    return nn.Sequential(${blocks.map((_, b) => `Block${b}()`).join(', ')})`, ''].join('\n');
  const source = [
    'import torch.nn as nn',
    'from lib_blocks import build',
    '',
    '# conv-lens: input=(1, 32, 16, 16)',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.stem = nn.Conv2d(32, 32, 3, padding=1)',
    '        self.blocks = build()',
    '',
    '    def forward(self, x):',
    '        y = self.stem(x)',
    '        return self.blocks(y)',
    '',
  ].join('\n');
  return analyzeFile(source, { file: '/ws/net.py', host: { readFile: (p) => (p === '/ws/lib_blocks.py' ? library : undefined) }, searchRoots: ['/ws'] });
}

/** Everything an index answers, for every declaration, note and site of the analysis. */
function answers(index: AnalysisIndex, analysis: FileAnalysis): string {
  return json({
    declarations: analysis.declarations.map((d) => ({
      at: index.declarationAt(d.range.line, d.range.column)?.range,
      instances: index.instancesOf(d).map(({ model, layer }) => `${model.entry}:${layer.name}`),
      separable: index.separableNote(d),
    })),
    notes: analysis.models.flatMap((m) => m.shapes.map((n) => index.shapeNoteAt(n.range.line, n.range.column))),
    sites: index.sites.map((s) => ({ range: s.range, layers: s.layers.map(({ model, layer }) => `${model.entry}:${layer.name}`) })),
    siteAt: index.sites.map((s) => index.siteAt(s.range.line, s.range.column)?.range),
    model: index.modelAt(9)?.entry,
  });
}

/** The analysis through the wire: split, each message validated as the host does, then assembled. */
function assemble(analysis: FileAnalysis, edit: (parts: ResultPart[]) => void = () => undefined): ReturnType<ResultAssembly['finish']> {
  const { parts, rest } = splitResult(3, structuredClone(analysis));
  edit(parts);
  const assembly = new ResultAssembly();
  for (const part of parts) {
    const parsed = parseFromWorker(structuredClone(part));
    assert.ok(parsed.ok && parsed.value.type === 'part');
    assembly.add(parsed.value);
  }
  const result = parseFromWorker(structuredClone({ type: 'result', run: 3, analysis: rest, millis: 1, reads: [], stopped: null }));
  assert.ok(result.ok && result.value.type === 'result');
  return assembly.finish(result.value.analysis);
}

describe('a worker result assembled part by part on the host', () => {
  it('is the whole analysis, with an index that answers as one built from it at once', () => {
    const analysis = importedLibrary();
    const layers = analysis.models[0].layers;
    assert.equal(layers.length, 121);
    const { parts } = splitResult(3, analysis);
    assert.ok(parts.filter((p) => p.list === 'layers').length > 1, 'the layers arrive in more than one part');
    assert.ok(analysis.models[0].separablePairs.length > 0);
    const assembled = assemble(analysis);
    assert.ok(assembled.ok, assembled.ok ? '' : assembled.error);
    assert.equal(json(assembled.value.analysis), json(analysis));
    const whole = new AnalysisIndex(analysis);
    assert.ok(whole.sites.length > 0 && whole.sites[0].layers.length === 120, 'the factory call is one site of 120 layers');
    assert.equal(answers(assembled.value.index, analysis), answers(whole, analysis));
  });

  it('is the whole analysis for a model file of this repo', () => {
    const file = path.resolve(__dirname, '../../fixtures/models/efficientnet_b0.py');
    const analysis = analyzeFile(fs.readFileSync(file, 'utf8'), { file, host: { readFile: () => undefined } });
    const assembled = assemble(analysis);
    assert.ok(assembled.ok);
    assert.equal(json(assembled.value.analysis), json(analysis));
    assert.equal(answers(assembled.value.index, analysis), answers(new AnalysisIndex(analysis), analysis));
  });

  it('fails, without throwing, on a part for a model the result does not have or an item the analysis never makes', () => {
    const analysis = importedLibrary();
    const noModel = assemble(analysis, (parts) => parts.push({ type: 'part', run: 3, model: 5, list: 'layers', items: [] }));
    assert.deepEqual(noModel, { ok: false, error: 'part: no model 5' });
    const badItem = assemble(analysis, (parts) => parts.push({ type: 'part', run: 3, model: 0, list: 'layers', items: [{ name: 'x' }] }));
    assert.equal(badItem.ok, false);
    assert.match(badItem.ok ? '' : badItem.error, /^part: /);
  });
});
