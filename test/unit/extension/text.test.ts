import { strict as assert } from 'node:assert';
import { DEFAULT_DISPLAY } from '../../../src/extension/text/numbers';
import { declarationHover, forwardCallHover, selfCallAt, shapeNoteHover } from '../../../src/extension/text/hover';
import { AnalysisIndex } from '../../../src/extension/text/index';
import { layerLensTitle, modelLensTitle, siteLensTitle, statusText, unknownTotalsReason, usesLensTitle } from '../../../src/extension/text/lens';
import { parseInputShape } from '../../../src/extension/text/inputShape';
import { joinCells, joinedLine, locateLine } from '../../../src/extension/text/notebook';
import { reportMarkdown } from '../../../src/extension/text/report';
import { fileSubjects, renderReport } from '../../../src/report';
import { range, record, sampleAnalysis } from './analysis-fixture';

const LINKS = { compare: 'command:convLens.compareLayer?x', report: 'command:convLens.showReport?y' };

describe('hover text', () => {
  const analysis = sampleAnalysis();
  const index = new AnalysisIndex(analysis);

  it('leads with one line of figures, then the exact counts (groups=8, 64->128, 3x3)', () => {
    const text = declarationHover(index.declarationAt(5, 30)!, null, LINKS, DEFAULT_DISPLAY);
    const lines = text.split('\n\n');
    assert.equal(lines[0], '`[1, 64, 32, 32]` → `[1, 128, 32, 32]` · 9,344 params · 9.44M MACs (18.9M FLOPs) · groups=8: 8x fewer than dense');
    assert.match(lines[1], /^\*\*Conv2d\*\*, grouped: `Conv2d\(64, 128, kernel_size=\(3, 3\)/);
    assert.equal(lines[2], 'weight `[128, 8, 3, 3]` · bias `[128]` · 9,437,184 MACs · 18,874,368 FLOPs (2 x MACs) · fp32: weights 36.5 KiB, output 512 KiB');
    assert.match(text, /groups=8: 8\.0x fewer weights and MACs than dense \(9,216 vs 73,728 weights\)/);
    assert.match(text, /\[Compare groups…\]\(command:convLens\.compareLayer\?x\)/);
    // Short enough for the hover box: a handful of paragraphs, none of them a table.
    assert.ok(lines.length <= 6, text);
    assert.doesNotMatch(text, /\|---\|/);
  });

  it('lists the uses of a declaration built several times, with the span of their figures', () => {
    const declaration = index.declarationAt(5, 30)!;
    const a = record({ in_channels: 64n, out_channels: 64n, kernel_size: 3n, padding: 1n, bias: false }, [1n, 64n, 56n, 56n]);
    const b = record({ in_channels: 128n, out_channels: 128n, kernel_size: 3n, padding: 1n, bias: false }, [1n, 128n, 28n, 28n]);
    const uses = [
      ...Array.from({ length: 4 }, (_, i) => ({ name: `layer1.${i}.conv1`, model: 'resnet18', record: a })),
      ...Array.from({ length: 4 }, (_, i) => ({ name: `layer2.${i}.conv1`, model: 'resnet34', record: b })),
    ];
    const text = declarationHover({ ...declaration, record: a }, null, LINKS, DEFAULT_DISPLAY, { uses });
    // 64*64*9 = 36,864 and 128*128*9 = 147,456 params; 36,864*56*56 = 115,605,504 and 147,456*28*28 = 115,605,504 MACs.
    assert.equal(text.split('\n\n')[0], '8 uses in 2 models · 36,864–147,456 params · 116M MACs');
    assert.match(text, /- `layer1\.0\.conv1` \(resnet18\) and 3 more like it: `\[1, 64, 56, 56\]` → `\[1, 64, 56, 56\]` · 36,864 params · 116M MACs \(231M FLOPs\)/);
    assert.match(text, /- `layer2\.0\.conv1` \(resnet34\) and 3 more like it: /);
    // The uses differ, so no single layer's repr or advice is shown as if it were all of them.
    assert.doesNotMatch(text, /Valid groups|depthwise-separable/);
  });

  it('leads with the figures of a layer used alike everywhere (one stem in ten models), and counts the uses', () => {
    const stem = record({ in_channels: 3n, out_channels: 64n, kernel_size: 7n, stride: 2n, padding: 3n, bias: false }, [1n, 3n, 224n, 224n]);
    const where = { line: 2, column: 4, endLine: 2, endColumn: 30 };
    const declaration = { type: 'Conv2d', range: where, calleeRange: where, record: stem, error: null, instances: ['conv1'] };
    const uses = ['resnet18', 'resnet34', 'resnet50'].map((model) => ({ name: 'conv1', model, record: stem }));
    const text = declarationHover(declaration, null, LINKS, DEFAULT_DISPLAY, { uses });
    assert.equal(text.split('\n\n')[0], '`[1, 3, 224, 224]` → `[1, 64, 112, 112]` · 9,408 params · 118M MACs (236M FLOPs) · 3 uses in 3 models');
    assert.doesNotMatch(text, /more like it/);
    assert.match(text, /Used as `conv1` in 3 models/);
  });

  it('gives a layer PyTorch refuses its message with the figures behind it', () => {
    const where = { line: 9, column: 19, endLine: 9, endColumn: 60 };
    const error = { phase: 'construct' as const, exception: 'ValueError' as const, message: 'in_channels must be divisible by groups' };
    const problem = 'in_channels must be divisible by groups: in_channels 30 is not divisible by groups 4 (valid groups for 30 → 64 channels: 1, 2)';
    const text = declarationHover({ type: 'Conv2d', range: where, calleeRange: where, record: null, error, instances: [] }, null, LINKS, DEFAULT_DISPLAY, { problem });
    assert.equal(text.split('\n\n')[0], `$(error) PyTorch raises when building this layer: \`ValueError: ${problem}\``);
  });

  it('says a layer was not reached when the model fails elsewhere, not that the input is missing', () => {
    const unfed = record({ in_channels: 64n, out_channels: 10n, kernel_size: 1n }, null);
    const where = { line: 30, column: 8, endLine: 30, endColumn: 30 };
    const declaration = { type: 'Conv2d', range: where, calleeRange: where, record: unfed, error: null, instances: [] };
    const text = declarationHover(declaration, null, LINKS, DEFAULT_DISPLAY, { notReached: 'not reached: the model fails at line 23' });
    assert.equal(text.split('\n\n')[0], 'shapes unknown (not reached\\: the model fails at line 23) · 650 params');
    assert.doesNotMatch(text, /Set Input Shape/);
    const failing = { ...sampleAnalysis(), diagnostics: [{ range: { line: 23, column: 8, endLine: 23, endColumn: 40 }, severity: 'error' as const, message: 'in_channels must be divisible by groups', source: 'construct' as const }] };
    assert.equal(new AnalysisIndex(failing).notReached(), 'not reached: the model fails at line 23');
    assert.equal(index.notReached(), null);
  });

  it('gives an RGB stem no depthwise-separable or groups advice, and a wide dense conv both', () => {
    const stem = record({ in_channels: 3n, out_channels: 64n, kernel_size: 7n, stride: 2n, padding: 3n, bias: false }, [1n, 3n, 224n, 224n]);
    const where = { line: 2, column: 4, endLine: 2, endColumn: 30 };
    const declaration = { type: 'Conv2d', range: where, calleeRange: where, record: stem, error: null, instances: [] };
    const note = new AnalysisIndex({ ...analysis, declarations: [declaration] }).separableNote(declaration);
    const text = declarationHover(declaration, note, LINKS, DEFAULT_DISPLAY);
    // 64*3*7*7 = 9,408 params; 9,408*112*112 = 118,013,952 MACs.
    assert.equal(text.split('\n\n')[0], '`[1, 3, 224, 224]` → `[1, 64, 112, 112]` · 9,408 params · 118M MACs (236M FLOPs)');
    assert.doesNotMatch(text, /depthwise-separable|Valid groups/);
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
    // Figures first, advice after them.
    assert.ok(text.indexOf('2,400 vs 18,496') > text.indexOf('18,496 params'), text);
  });

  it('honours flopDisplay and dtype', () => {
    const text = declarationHover(index.declarationAt(5, 30)!, null, { compare: '', report: '' }, { flopDisplay: 'macs', dtype: 'fp16' });
    assert.doesNotMatch(text, /FLOPs/);
    assert.match(text, /fp16: weights 18\.3 KiB, output 256 KiB/);
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

  it('shows a forward call as the layer that call ran, with that call\'s shapes', () => {
    const layer = analysis.models[0].layers[0];
    const call = { range: range(12, 14, 12, 27), module: 'layer1.0.conv1', type: 'Conv2d', input: [1n, 64n, 32n, 32n], output: [1n, 128n, 32n, 32n] };
    const text = forwardCallHover(call, 'resnet18', 9, layer, DEFAULT_DISPLAY);
    assert.equal(text.split('\n\n')[0], '`[1, 64, 32, 32]` → `[1, 128, 32, 32]` · 9,344 params · 9.44M MACs (18.9M FLOPs) · groups=8: 8x fewer than dense');
    assert.equal(text.split('\n\n')[1], '`layer1.0.conv1`: Conv2d, grouped, in resnet18 (first run; 9 other models also run this line)');
    const raised = forwardCallHover({ ...call, output: undefined }, 'Net', 0, null, DEFAULT_DISPLAY);
    assert.equal(raised.split('\n\n')[0], '`[1, 64, 32, 32]` → PyTorch raises here');
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

  it('titles a declaration built several times with its uses and the span of their figures', () => {
    const a = record({ in_channels: 64n, out_channels: 64n, kernel_size: 3n, padding: 1n, bias: false }, [1n, 64n, 56n, 56n]);
    const b = record({ in_channels: 512n, out_channels: 512n, kernel_size: 3n, padding: 1n, bias: false }, [1n, 512n, 7n, 7n]);
    // 36,864 and 2,359,296 params; 115,605,504 MACs each.
    assert.equal(usesLensTitle([a, a, b], 'macs'), '3 uses · 36.9K–2.36M params · 116M MACs');
    assert.equal(usesLensTitle([a, null], 'flops'), '2 uses · ? params · ? FLOPs');
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

  it('says why a complete model\'s MACs or params are unknown', () => {
    const model = analysis.models[0];
    const lost = { ...model, totals: { ...model.totals, conv_macs: null, params: null, conv_macs_unknown: 'conv2: the forward pass reached it with an input whose shape the analysis lost on the way', params_unknown: 'the shape of p (Net) could not be computed' } };
    assert.equal(unknownTotalsReason(lost), 'MACs unknown: conv2: the forward pass reached it with an input whose shape the analysis lost on the way. Params unknown: the shape of p (Net) could not be computed');
  });

  it('titles a call site that builds layers declared in another file', () => {
    const layers = analysis.models[0].layers.slice(1).map((layer) => ({ layer }));
    // 1,152 + 33,024 params; 1,179,648 + 33,554,432 MACs.
    assert.equal(siteLensTitle(layers, 'macs'), '2 conv layers: 34,176 params · 34.7M MACs');
    assert.equal(siteLensTitle(layers.slice(0, 1), 'flops'), 'dw: 1,152 params · 2.36M FLOPs');
  });

  it('writes a torchinfo-like Markdown table with jump links, dense columns and totals', () => {
    const md = reportMarkdown(analysis, 'macs', (r) => `file:///ws/net.py#L${r.range.line}`);
    assert.match(md, /\| \[conv1\]\(<file:\/\/\/ws\/net\.py#L5>\) \(Conv2d\) \| grouped \| `\[1,128,32,32\]` \| 9,344 \| 9,437,184 \| 73,856 \| 75,497,472 \| 8\.0x \|/);
    assert.match(md, /\*\*Total \(conv\)\*\* \| 3 layers/);
  });

  it('says where the input shape came from in plain words, how to give one, and sums up a file of several models', () => {
    const md = reportMarkdown(analysis, 'macs', () => null);
    assert.match(md, /Input shape: `\[1, 64, 32, 32\]` \(from the `# conv-lens: input=` comment\)/);
    assert.doesNotMatch(md, /## Summary/);
    const unfed = { ...analysis.models[0], entry: 'Other', input: null, inputSource: null };
    const two = reportMarkdown({ ...analysis, models: [analysis.models[0], unfed] }, 'macs', () => null);
    assert.match(two, /Input shape: none known, so shapes and MACs are "\?": run \*\*Conv Lens: Set Input Shape…\*\*/);
    // 9,344 + 1,152 + 33,024 = 43,520 params; 9,437,184 + 1,179,648 + 33,554,432 = 44,171,264 MACs.
    assert.match(two, /## Summary\n\n\| Model \| input \| conv layers \| params \| MACs \|\n\|---\|---\|---:\|---:\|---:\|\n\| Net \| `\[1, 64, 32, 32\]` \| 3 \| 43,520 \| 44,171,264 \|\n\| Other \| none \|/);
  });

  it('keeps the title and problems of a file without a model', () => {
    const md = reportMarkdown({ ...analysis, models: [], diagnostics: [{ range: range(3, 0, 3, 4), severity: 'error', message: 'invalid syntax', source: 'syntax' }] }, 'macs', () => null);
    assert.match(md, /^# Conv Lens report: net\\\.py$/m);
    assert.match(md, /No model \(nn\.Module subclass or factory\)/);
    assert.match(md, /- line 3: error: invalid syntax/);
  });

  it('exports CSV and JSON with exact integers, in the CLI format', () => {
    const csv = renderReport(fileSubjects(analysis, 'net.py'), 'csv').split('\n');
    assert.equal(csv[0], 'file,entry,name,type,line,column,in_channels,out_channels,kernel_size,stride,padding,dilation,groups,bias,kind,weight_shape,input_shape,output_shape,params,macs,dense_params,dense_macs,savings,error');
    assert.match(csv[1], /^net\.py,Net,conv1,Conv2d,5,\d+,64,128,3x3,1x1,1x1,1x1,8,true,grouped,128x8x3x3,1x64x32x32,1x128x32x32,9344,9437184,73856,75497472,8,$/);
    const json = JSON.parse(renderReport(fileSubjects(analysis, 'net.py'), 'json')) as { layers: Array<{ params: number }> };
    assert.equal(json.layers[2].params, 33024);
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
