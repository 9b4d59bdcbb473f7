import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../../src/analysis';
import { NodeSourceHost } from '../../../src/cli/nodeHost';
import { forwardCallHover } from '../../../src/extension/text/hover';
import { AnalysisIndex } from '../../../src/extension/text/index';
import { guessInputShape } from '../../../src/extension/text/inputShape';
import { layerTree, nodeDescription, sortedChildren } from '../../../src/extension/text/layerTree';
import { DEFAULT_DISPLAY } from '../../../src/extension/text/numbers';
import { TORCHVISION_MODELS as TORCHVISION } from '../torchvisionSite';

const FIXTURES = path.resolve(__dirname, '../../fixtures/models');

interface GoldenLayer { name: string; input_shape: number[]; output_shape: number[]; params: number; macs: number }

function analyze(file: string, options: { entry?: string; input?: bigint[] } = {}): ReturnType<typeof analyzeFile> {
  return analyzeFile(fs.readFileSync(file, 'utf8'), { file: file.split(path.sep).join('/'), host: new NodeSourceHost(), ...options });
}

/** The 1-based line and 0-based column of the n-th (1-based) occurrence of `needle`. */
function place(source: string, needle: string, nth = 1): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i < nth; i++) at = source.indexOf(needle, at + 1);
  assert.ok(at >= 0, needle);
  const before = source.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 'self.'.length };
}

describe('forward calls: the layer a call in forward ran, with that call\'s shapes', () => {
  const file = path.join(FIXTURES, 'resnet_cifar.py');
  const source = fs.readFileSync(file, 'utf8');
  const analysis = analyze(file, { entry: 'ResNet18' });
  const index = new AnalysisIndex(analysis);
  const golden = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'resnet_cifar.golden.json'), 'utf8')) as { layers: GoldenLayer[] };
  const goldenLayer = (name: string): GoldenLayer => golden.layers.find((l) => l.name === name)!;

  it('self.conv1(x) in BasicBlock.forward is layer1.0.conv1 with PyTorch\'s shapes, not the stem', () => {
    const at = place(source, 'self.conv1(x)');
    const ran = index.callAt(at.line, at.column);
    assert.ok(ran);
    assert.equal(ran.call.module, 'layer1.0.conv1');
    assert.deepEqual(ran.call.input?.map(Number), goldenLayer('layer1.0.conv1').input_shape);
    assert.deepEqual(ran.call.output?.map(Number), goldenLayer('layer1.0.conv1').output_shape);
    const layer = index.layerNamed(ran.model, ran.call.module);
    const text = forwardCallHover(ran.call, ran.model.entry, index.modelsRunning(ran.call) - 1, layer, DEFAULT_DISPLAY);
    assert.match(text, /^`\[2, 64, 32, 32\]` → `\[2, 64, 32, 32\]` · 36,864 params · 75\.5M MACs/);
    // The inlay hint of the assignment on the same line shows the same output shape.
    const note = index.shapeNoteAt(at.line, source.split('\n')[at.line - 1].indexOf('out'));
    assert.deepEqual(note?.shape, ran.call.output);
  });

  it('self.conv2(out) in BasicBlock.forward has a hover too, and the stem call in ResNet.forward is the stem', () => {
    const second = place(source, 'self.conv2(out)');
    assert.equal(index.callAt(second.line, second.column)?.call.module, 'layer1.0.conv2');
    // The third `self.conv1(x)` is ResNet.forward's (after BasicBlock's and Bottleneck's).
    const stem = place(source, 'self.conv1(x)', 3);
    const ran = index.callAt(stem.line, stem.column)!;
    assert.equal(ran.call.module, 'conv1');
    assert.deepEqual(ran.call.input?.map(Number), goldenLayer('conv1').input_shape);
    // Bottleneck is not used by ResNet18: its forward never ran.
    const bottleneck = place(source, 'self.conv1(x)', 2);
    assert.equal(index.callAt(bottleneck.line, bottleneck.column), null);
  });

  it('travels with the analysis: every call names a module of the tree', () => {
    const model = analysis.models[0];
    const names = new Set(model.modules.map((m) => m.name));
    // ResNet18's forward: conv1, bn1, layer1-4, linear; BasicBlock's: conv1, bn1, conv2, bn2, shortcut.
    assert.equal(model.calls.length, 12);
    for (const call of model.calls) assert.ok(names.has(call.module), call.module);
  });

  it('torchvision resnet.py: BasicBlock.forward\'s self.conv1(x) is layer1.0.conv1, in resnet18 and the other models that run it', function () {
    const file = path.join(TORCHVISION, 'resnet.py');
    if (!fs.existsSync(file)) this.skip();
    const text = fs.readFileSync(file, 'utf8');
    const tv = new AnalysisIndex(analyze(file, { input: [1n, 3n, 224n, 224n] }));
    const at = place(text, 'self.conv1(x)');
    const ran = tv.callAt(at.line, at.column)!;
    assert.equal(ran.model.entry, 'resnet18');
    assert.equal(ran.call.module, 'layer1.0.conv1');
    // torch 1.13: resnet18's layer1.0.conv1 takes and gives [1, 64, 56, 56].
    assert.deepEqual(ran.call.input, [1n, 64n, 56n, 56n]);
    assert.deepEqual(ran.call.output, [1n, 64n, 56n, 56n]);
    assert.equal(tv.modelsRunning(ran.call), 2, 'resnet18 and resnet34 use BasicBlock');
  });
});

describe('layer tree by module path', () => {
  const model = analyze(path.join(FIXTURES, 'resnet_cifar.py'), { entry: 'ResNet18' }).models[0];
  const root = layerTree(model);

  it('nests conv layers as named_modules() does, with sums that add up to the model\'s totals', () => {
    assert.deepEqual(root.children.map((c) => c.name), ['conv1', 'layer1', 'layer2', 'layer3', 'layer4']);
    const layer2 = root.children[2];
    assert.deepEqual(layer2.children.map((c) => c.name), ['layer2.0', 'layer2.1']);
    assert.deepEqual(layer2.children[0].children.map((c) => c.label), ['conv1', 'conv2', 'shortcut']);
    assert.equal(layer2.children[0].type, 'BasicBlock');
    assert.equal(root.macs, model.totals.conv_macs);
    assert.equal(root.params, model.totals.conv_params);
  });

  it('sorts by MACs, largest first, and shows each node\'s share', () => {
    const sorted = sortedChildren(root, 'macs');
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1].macs! >= sorted[i].macs!);
    assert.equal(sortedChildren(root, 'order'), root.children);
    // conv1: 3,538,944 of 1,110,835,200 MACs = 0.3%.
    assert.equal(nodeDescription(root.children[0], model.totals.conv_macs, 'macs'), '0.3% · 3.54M MACs · 1.73K params · dense');
  });
});

describe('Set Input Shape guess', () => {
  it('takes the first conv layer\'s input channels and a common size for its dimensions', () => {
    const model = analyze(path.join(FIXTURES, 'resnet_cifar.py'), { entry: 'ResNet18' }).models[0];
    assert.deepEqual(guessInputShape([model]), [1n, 3n, 224n, 224n]);
    assert.equal(guessInputShape([{ layers: [{ record: null }] }]), null);
  });
});
