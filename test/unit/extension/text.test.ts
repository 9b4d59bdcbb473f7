import { strict as assert } from 'node:assert';
import { DEFAULT_DISPLAY } from '../../../src/extension/text/numbers';
import { declarationHover, layerCallHover, modelHover, selfCallAt, shapeNoteHover } from '../../../src/extension/text/hover';
import { AnalysisIndex } from '../../../src/extension/text/index';
import { layerLensTitle, modelLensTitle, siteLensTitle, statusText, unknownTotalsReason } from '../../../src/extension/text/lens';
import { parseInputShape } from '../../../src/extension/text/inputShape';
import { joinCells, joinedLine, locateLine } from '../../../src/extension/text/notebook';
import { reportCsv, reportJson, reportMarkdown } from '../../../src/extension/text/report';
import { record, sampleAnalysis } from './analysis-fixture';

const LINKS = { compare: 'command:convLens.compareLayer?x', report: 'command:convLens.showReport?y' };

describe('hover text', () => {
  const analysis = sampleAnalysis();
  const index = new AnalysisIndex(analysis);

  it('states the grouped-vs-dense saving with exact weight counts (groups=8, 64->128, 3x3)', () => {
    const text = declarationHover(index.declarationAt(5, 30)!, null, LINKS, DEFAULT_DISPLAY);
    assert.match(text, /groups=8: 8\.0x fewer weights and MACs than dense \(9,216 vs 73,728 weights\)/);
    assert.match(text, /\| weight shape \| `\[128, 8, 3, 3\]` \|/);
    assert.match(text, /`\[1, 64, 32, 32\]` → `\[1, 128, 32, 32\]`/);
    assert.match(text, /\| MACs \(multiply-accumulates\) \| 9,437,184 \(9\.44M\) \|/);
    assert.match(text, /\| FLOPs = 2 x MACs \| 18,874,368 \(18\.9M\) \|/);
    assert.match(text, /\[Compare groups…\]\(command:convLens\.compareLayer\?x\)/);
  });

  it('compares a depthwise-separable pair with the dense conv and MobileNet 1/N + 1/k^2', () => {
    const declaration = index.declarationAt(6, 20)!;
    const text = declarationHover(declaration, index.separableNote(declaration), LINKS, DEFAULT_DISPLAY);
    // depthwise 128*9 = 1,152 + pointwise 128*256+256 = 33,024 -> 34,176; dense 3x3 256*128*9+256 = 295,168.
    assert.match(text, /34,176 vs 295,168 params/);
    assert.match(text, /1\/N \+ 1\/k² = 0\.1150/);
  });

  it('proposes the separable replacement for a dense 3x3 conv, and lists valid groups', () => {
    const dense = record({ in_channels: 32n, out_channels: 64n, kernel_size: 3n }, [1n, 32n, 16n, 16n]);
    const where = { line: 2, column: 4, endLine: 2, endColumn: 30 };
    const declaration = { type: 'Conv2d', range: where, calleeRange: where, record: dense, error: null, instances: [] };
    const note = new AnalysisIndex({ ...analysis, declarations: [declaration] }).separableNote(declaration);
    assert.equal(note?.proposed, true);
    const text = declarationHover(declaration, note, LINKS, DEFAULT_DISPLAY);
    // depthwise 32*9 = 288 + pointwise 32*64+64 = 2,112 -> 2,400 vs dense 64*32*9+64 = 18,496.
    assert.match(text, /As depthwise-separable \(depthwise 3x3 \+ pointwise 1x1\), this layer would take 2,400 vs 18,496 params/);
    assert.match(text, /groups=1 \(dense\)\. Valid groups: 2, 4, 8, 16, 32/);
  });

  it('honours flopDisplay and dtype', () => {
    const text = declarationHover(index.declarationAt(5, 30)!, null, { compare: '', report: '' }, { flopDisplay: 'macs', dtype: 'fp16' });
    assert.doesNotMatch(text, /FLOPs = 2 x MACs/);
    assert.match(text, /weight memory \(fp16\)/);
    assert.doesNotMatch(text, /Compare groups/);
  });

  it('shows symbolic formulas with their reasons, and PyTorch errors', () => {
    const text = declarationHover({
      type: 'Conv2d', range: { line: 1, column: 0, endLine: 1, endColumn: 5 }, calleeRange: { line: 1, column: 0, endLine: 1, endColumn: 5 }, record: null,
      error: { phase: 'construct', exception: 'ValueError', message: 'in_channels must be divisible by groups' },
      symbolic: { params: '9·nin', reasons: ['nin: parameter of Block.__init__, no call site found'] }, instances: [],
    }, null, LINKS, DEFAULT_DISPLAY);
    assert.match(text, /ValueError: in_channels must be divisible by groups/);
    assert.match(text, /params = `9·nin`/);
    assert.ok(text.includes('- nin\\: parameter of Block\\.\\_\\_init\\_\\_'), text);
  });

  it('finds the self.layer call under the cursor, dotted paths included', () => {
    const line = '        out = self.block.conv(self.stem(x))';
    assert.equal(selfCallAt(line, line.indexOf('block') + 1), 'block.conv');
    assert.equal(selfCallAt(line, line.indexOf('stem')), 'stem');
    assert.equal(selfCallAt(line, line.indexOf('x)')), null);
    assert.equal(selfCallAt('        y = self.scale * x', 14), null);
  });

  it('shows a layer call as input -> output from the layer record', () => {
    const layer = analysis.models[0].layers[0];
    assert.equal(layerCallHover('conv1', layer), '**self\\.conv1\\(…\\)**: `[1, 64, 32, 32]` → `[1, 128, 32, 32]`\n\nConv2d, grouped, 9,344 params');
  });

  it('shows a forward shape note as input -> output', () => {
    assert.equal(shapeNoteHover({ range: { line: 1, column: 0, endLine: 1, endColumn: 1 }, label: 'self.conv1(x)', input: [1n, 3n, 8n, 8n], shape: [1n, 4n, 8n, 8n] }),
      '**self\\.conv1\\(x\\)**: `[1, 3, 8, 8]` → `[1, 4, 8, 8]`');
  });
});

describe('AnalysisIndex', () => {
  const index = new AnalysisIndex(sampleAnalysis());
  it('finds declarations and shape notes by position, and nothing outside them', () => {
    assert.equal(index.declarationAt(5, 21)?.instances[0], 'conv1');
    assert.equal(index.declarationAt(5, 20), null);
    assert.equal(index.declarationAt(7, 41)?.instances[0], 'pw');
    assert.equal(index.shapeNoteAt(10, 10)?.label, 'out');
    assert.equal(index.modelAt(8)?.entry, 'Net');
  });
});

describe('lens, report', () => {
  const analysis = sampleAnalysis();
  it('titles the model and layer lenses', () => {
    // 9,344 + 1,152 + 33,024 params; 9,437,184 + 1,179,648 + 33,554,432 MACs.
    assert.equal(modelLensTitle(analysis.models[0], 'macs'), '43.5K params · 44.2M MACs · 3 conv layers · input [1, 64, 32, 32]');
    assert.equal(layerLensTitle(analysis.models[0].layers[0].record!, 'both'), '9,344 params · 9.44M MACs (18.9M FLOPs) · 8.0x fewer than dense');
  });

  it('hovers a model\'s name with its totals and where its input came from', () => {
    const model = { ...analysis.models[0], entry: 'model', inputSource: 'pretrained_cfg' as const };
    const text = modelHover(model, DEFAULT_DISPLAY, 'command:convLens.showReport?y');
    assert.match(text, /^\*\*model\*\* — 3 conv layers/);
    assert.match(text, /input: `\[1, 64, 32, 32\]` \(from the model's pretrained config\)/);
    assert.match(text, /\[Report\]\(command:convLens\.showReport\?y\)/);
    assert.equal(modelLensTitle(model, 'macs'), '43.5K params · 44.2M MACs · 3 conv layers · input [1, 64, 32, 32] (pretrained config)');
    assert.equal(new AnalysisIndex(analysis).modelNamedAt(model.range.line, model.range.column)?.entry, analysis.models[0].entry);
  });

  it('does not total symbolic layers as zero', () => {
    const model = analysis.models[0];
    const symbolic = { ...model, totals: { ...model.totals, params: null, conv_params: null }, layers: model.layers.map((l) => ({ ...l, record: null })) };
    assert.equal(statusText(symbolic, 'macs'), 'Net: params symbolic (see hovers) · 44.2M MACs');
  });

  it('says a model does not build when PyTorch refuses one of its layers', () => {
    const model = analysis.models[0];
    const error = { phase: 'construct' as const, exception: 'ValueError' as const, message: 'in_channels must be divisible by groups' };
    const broken = { ...model, totals: { ...model.totals, params: null, conv_params: null }, layers: model.layers.map((l, i) => (i === 0 ? { ...l, record: null, error } : l)) };
    assert.equal(statusText(broken, 'macs'), 'Net: does not build (see Problems) · 44.2M MACs');
  });

  it('gives a model that may lack layers no totals, and counts the layers found as a lower bound', () => {
    const model = analysis.models[0];
    const incomplete = { ...model, totals: { conv_layers: null, conv_params: null, conv_macs: null, params: null, incomplete: '`self` went through `log_usage`, which could not be read' } };
    assert.equal(modelLensTitle(incomplete, 'macs'), 'params unknown: layers may be missing (see Report) · ? MACs · ≥ 3 conv layers found (total unknown) · input [1, 64, 32, 32]');
    assert.equal(unknownTotalsReason(incomplete), 'Totals unknown: `self` went through `log_usage`, which could not be read');
    assert.equal(unknownTotalsReason(model), null);
  });

  it('titles a call site that builds layers declared in another file', () => {
    const layers = analysis.models[0].layers.slice(1).map((layer) => ({ layer }));
    // 1,152 + 33,024 params; 1,179,648 + 33,554,432 MACs.
    assert.equal(siteLensTitle(layers, 'macs'), '2 conv layers: 34,176 params · 34.7M MACs');
    assert.equal(siteLensTitle(layers.slice(0, 1), 'flops'), 'dw: 1,152 params · 2.36M FLOPs');
  });

  it('writes a torchinfo-like Markdown table with jump links, dense columns and totals', () => {
    const md = reportMarkdown(analysis, 'macs', (r) => `file:///ws/net.py#L${r.range.line}`);
    assert.match(md, /\| \[conv1\]\(<file:\/\/\/ws\/net\.py#L5>\) \(Conv2d\) \| grouped \| `\[1, 128, 32, 32\]` \| 9,344 \| 9,437,184 \| 73,856 \| 75,497,472 \| 8\.0x \|/);
    assert.match(md, /\*\*Total \(conv\)\*\* \| 3 layers/);
  });

  it('exports CSV and JSON with exact integers', () => {
    const csv = reportCsv(analysis).split('\n');
    assert.equal(csv[0], 'model,layer,type,kind,line,input_shape,output_shape,params,macs,flops,dense_params,dense_macs,savings,error');
    assert.equal(csv[1], 'Net,conv1,Conv2d,grouped,5,1x64x32x32,1x128x32x32,9344,9437184,18874368,73856,75497472,8,');
    const json = JSON.parse(reportJson(analysis)) as { models: Array<{ layers: Array<{ params: number }> }> };
    assert.equal(json.models[0].layers[2].params, 33024);
  });
});

describe('input shape and notebooks', () => {
  it('parses shapes in the forms people type', () => {
    assert.deepEqual(parseInputShape('1, 3, 224, 224'), { ok: true, shape: [1n, 3n, 224n, 224n] });
    assert.deepEqual(parseInputShape('(3, 32, 32)'), { ok: true, shape: [3n, 32n, 32n] });
    assert.deepEqual(parseInputShape('[1,3,8]'), { ok: true, shape: [1n, 3n, 8n] });
    assert.equal(parseInputShape('1, 0, 3').ok, false);
    assert.equal(parseInputShape('1, a').ok, false);
    assert.equal(parseInputShape('7').ok, false);
  });

  it('joins code cells and maps lines back to each cell', () => {
    const joined = joinCells([{ key: 'a', text: 'import torch\n%matplotlib inline' }, { key: 'b', text: 'x = 1\ny = 2\nz = 3' }]);
    assert.equal(joined.source, 'import torch\n#matplotlib inline\nx = 1\ny = 2\nz = 3');
    assert.deepEqual(locateLine(joined, 4), { key: 'b', line: 2 });
    assert.deepEqual(locateLine(joined, 1), { key: 'a', line: 1 });
    assert.equal(locateLine(joined, 6), null);
    assert.equal(joinedLine(joined, 'b', 3), 5);
  });
});
