import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile, AnalysisOptions } from '../../../src/analysis';
import { applyEdits, whatIfModel } from '../../../src/analysis/whatif/whatIf';
import type { WhatIfPlan } from '../../../src/analysis/whatif/types';
import { makeDivisible } from '../../../src/core';

// The model-wide what-if against PyTorch: scripts/golden/whatif.py transforms each built model by
// module surgery (not by Conv Lens's text rewrite) and records every conv's params, MACs and
// shapes after one forward pass. Here the what-if must give exactly those figures, and applying
// its edits to the text and analysing that text must give the totals it promised.

const ROOT = path.resolve(__dirname, '../../..');

interface GoldenLayer {
  name: string;
  params: number;
  macs: number | null;
  input_shape: number[] | null;
  output_shape: number[] | null;
}

interface GoldenCase {
  id: string;
  file: string;
  entry: string;
  plan: WhatIfPlan;
  after: { layers: GoldenLayer[]; totals: Record<string, number | null>; error: string | null };
}

const golden = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/whatif/whatif.golden.json'), 'utf8')) as { cases: GoldenCase[] };

function optionsFor(file: string): AnalysisOptions {
  return { file, host: { readFile: (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined) } };
}

const shape = (s: readonly bigint[] | null | undefined): number[] | null => (s ? s.map(Number) : null);

describe('model-wide what-if against PyTorch', function () {
  this.timeout(120_000);
  for (const c of golden.cases) {
    it(`${c.id}: every conv's params, MACs and shapes and the totals are PyTorch's`, () => {
      const file = path.join(ROOT, c.file);
      const result = whatIfModel(optionsFor(file), fs.readFileSync(file, 'utf8'), c.entry, c.plan);
      assert.equal(c.after.error, null);
      assert.deepEqual(result.errors.map((e) => e.message), []);
      const got = result.after.layers.map((l) => ({ name: l.name, params: Number(l.record!.params), macs: Number(l.record!.macs), input_shape: shape(l.record!.input_shape), output_shape: shape(l.record!.output_shape) }));
      assert.deepEqual(got, c.after.layers);
      const t = result.after.totals;
      assert.deepEqual({ conv_layers: t.conv_layers, conv_params: Number(t.conv_params), conv_macs: Number(t.conv_macs), params: Number(t.params) }, c.after.totals);
      assert.ok(result.changes.some((ch) => ch.status === 'applied'), 'the plan changed something');
    });
  }

  it('applying the edits, in every file they touch, and analysing again gives the totals the what-if promised', () => {
    for (const c of golden.cases) {
      const file = path.join(ROOT, c.file);
      const source = fs.readFileSync(file, 'utf8');
      const result = whatIfModel(optionsFor(file), source, c.entry, c.plan);
      const texts = new Map<string, string>();
      for (const f of new Set(result.edits.map((e) => e.file))) texts.set(f, applyEdits(fs.readFileSync(f, 'utf8'), result.edits.filter((e) => e.file === f)));
      const host = { readFile: (p: string) => texts.get(p) ?? optionsFor(file).host.readFile(p) };
      const again = analyzeFile(texts.get(file) ?? source, { file, host, entry: c.entry }).models.find((m) => m.entry === c.entry)!;
      assert.deepEqual(again.totals, result.applyTotals, c.id);
      // Apply promises the what-if's totals exactly when it writes every change the what-if shows.
      if (!result.changes.some((ch) => ch.blocked && ch.status === 'applied')) assert.deepEqual(result.applyTotals, result.after.totals, c.id);
    }
  });

  it('the what-if by module surgery equals the text rewrite analysed again, where every change can be written', () => {
    let compared = 0;
    for (const c of golden.cases) {
      if (c.plan.transformations.some((t) => t.kind === 'width')) continue;
      const file = path.join(ROOT, c.file);
      const source = fs.readFileSync(file, 'utf8');
      const surgery = whatIfModel(optionsFor(file), source, c.entry, c.plan);
      if (surgery.changes.some((ch) => ch.blocked)) continue;
      const rewrite = whatIfModel(optionsFor(file), source, c.entry, c.plan, { method: 'rewrite' });
      const figures = (r: typeof surgery): unknown => r.after.layers.map((l) => [l.name, l.record?.params, l.record?.macs, l.record?.input_shape, l.record?.output_shape]);
      assert.deepEqual(figures(surgery), figures(rewrite), c.id);
      assert.deepEqual(surgery.after.totals, rewrite.after.totals, c.id);
      assert.deepEqual(surgery.edits, rewrite.edits, c.id);
      compared++;
    }
    assert.ok(compared >= 5, `${compared} cases compared`);
  });

  it("computed widths (make_divisible, self.inplanes) are transformed in the what-if and listed as what-if only for Apply", () => {
    const file = path.join(ROOT, 'examples/mobilenet_v2.py');
    const r = whatIfModel(optionsFor(file), fs.readFileSync(file, 'utf8'), 'MobileNetV2', { transformations: [{ kind: 'groups', groups: 4 }] });
    const only = r.changes.filter((ch) => ch.status === 'applied' && ch.blocked);
    const written = r.changes.filter((ch) => ch.status === 'applied' && !ch.blocked);
    assert.ok(only.length > 0 && written.length > 0, `${only.length} what-if only, ${written.length} written`);
    for (const ch of only) assert.match(ch.reason!, /also builds|computed|cannot/);
    assert.ok(r.after.totals.conv_macs! < r.applyTotals.conv_macs! && r.applyTotals.conv_macs! < r.before.totals.conv_macs!);
    const expand = r.after.layers.find((l) => l.name === only[0].name)!;
    assert.equal(expand.record!.spec.groups, 4n);
    const resnet = path.join(ROOT, 'test/fixtures/whatif/torchvision_resnet.py');
    const tv = whatIfModel(optionsFor(resnet), fs.readFileSync(resnet, 'utf8'), 'ResNet', { transformations: [{ kind: 'separable' }] });
    assert.ok(tv.after.layers.some((l) => l.name === 'layer1.0.conv1.0'));
    assert.equal(tv.changes.find((ch) => ch.name === 'layer1.0.conv1')?.status, 'applied');
  });

  it('rewrites the conv calls of helpers imported from another file, in that file', () => {
    const file = path.join(ROOT, 'test/fixtures/whatif/crossfile/net.py');
    const result = whatIfModel(optionsFor(file), fs.readFileSync(file, 'utf8'), 'Net', { transformations: [{ kind: 'separable' }, { kind: 'dropBias' }] });
    const blocks = path.join(ROOT, 'test/fixtures/whatif/crossfile/blocks.py');
    assert.deepEqual([...new Set(result.edits.map((e) => e.file))], [blocks]);
    const text = fs.readFileSync(blocks, 'utf8');
    for (const e of result.edits) assert.equal(text.slice(e.from, e.to), e.replaced);
    assert.match(applyEdits(text, result.edits), /self\.conv = nn\.Sequential\(\n\s+nn\.Conv2d\(cin, cin, 3, padding=1, groups=cin, bias=False\),\n\s+nn\.Conv2d\(cin, cout, 1, bias=False\),\n\s+\)/);
  });
});

describe('model-wide what-if: what it leaves alone, and why', function () {
  this.timeout(60_000);
  const file = path.join(ROOT, 'test/fixtures/whatif/plain_cnn.py');
  const source = fs.readFileSync(file, 'utf8');

  it('lists ineligible and excluded layers with reasons and changes none of their code', () => {
    const r = whatIfModel(optionsFor(file), source, 'PlainCNN', { transformations: [{ kind: 'separable' }], excluded: { separable: ['conv2'] } });
    const status = Object.fromEntries(r.changes.map((c) => [c.name, [c.status, c.reason ?? '']]));
    assert.equal(status.stem[0], 'ineligible');
    assert.match(status.stem[1], /3-channel input/);
    assert.deepEqual(status.conv2, ['excluded', 'switched off for this layer']);
    assert.equal(status.proj[0], 'ineligible');
    assert.match(status.proj[1], /1×1/);
    assert.equal(status.conv1[0], 'applied');
    assert.ok(r.after.layers.some((l) => l.name === 'conv2'));
    assert.deepEqual(r.changes.find((c) => c.name === 'conv1')?.replacedBy, ['conv1.0', 'conv1.1']);
  });

  it('a call that builds several layers is rewritten only when all of them change', () => {
    const r = whatIfModel(optionsFor(file), source, 'Stack', { transformations: [{ kind: 'separable' }], excluded: { separable: ['blocks.1'] } });
    const blocks = r.changes.filter((c) => c.name.startsWith('blocks.'));
    assert.equal(blocks.find((c) => c.name === 'blocks.1')?.status, 'excluded');
    for (const c of blocks.filter((b) => b.name !== 'blocks.1')) {
      // Shown in the what-if (computed by module surgery), left alone by Apply.
      assert.equal(c.status, 'applied');
      assert.equal(c.blocked, true);
      assert.match(c.reason!, /also builds blocks\.1/);
    }
    assert.equal(r.changes.find((c) => c.name === 'out')?.status, 'applied');
    assert.equal(r.after.layers.filter((l) => l.name.startsWith('blocks.')).length, 7);
    const rewrite = whatIfModel(optionsFor(file), source, 'Stack', { transformations: [{ kind: 'separable' }], excluded: { separable: ['blocks.1'] } }, { method: 'rewrite' });
    assert.equal(rewrite.changes.find((c) => c.name === 'blocks.0')?.status, 'ineligible');
    assert.deepEqual(rewrite.edits, r.edits);
    assert.deepEqual(r.applyTotals, rewrite.after.totals);
  });

  it("a call that also builds another model's layers is left alone, with the reason", () => {
    const shared = path.join(ROOT, 'test/fixtures/whatif/shared_helper.py');
    const r = whatIfModel(optionsFor(shared), fs.readFileSync(shared, 'utf8'), 'TwinA', { transformations: [{ kind: 'separable' }] });
    const a = r.changes.find((c) => c.name === 'a.0')!;
    assert.equal(a.status, 'applied');
    assert.equal(a.blocked, true);
    assert.match(a.reason!, /also builds TwinB's b\.0/);
    assert.equal(r.changes.find((c) => c.name === 'own')?.status, 'applied');
    assert.equal(r.edits.length, 1);
  });

  it('computed widths block a width multiplier for the whole model, with the reason', () => {
    const resnet = path.join(ROOT, 'test/fixtures/models/resnet_cifar.py');
    const r = whatIfModel(optionsFor(resnet), fs.readFileSync(resnet, 'utf8'), 'ResNet18', { transformations: [{ kind: 'width', multiplier: 0.5, divisor: 8 }] });
    assert.deepEqual(r.edits, []);
    assert.ok(r.changes.every((c) => c.status === 'ineligible' && c.blocked));
    assert.match(r.changes[1].reason!, /layer1\.0 is built with in_planes=`self\.in_planes` \(line \d+\), a computed value/);
    assert.deepEqual(r.after.totals, r.before.totals);
  });

  it("a BatchNorm whose channels no longer match raises PyTorch's message at forward", () => {
    const text = source.replace('self.bn1 = nn.BatchNorm2d(64)', 'self.bn1 = nn.BatchNorm2d(48)');
    const r = whatIfModel(optionsFor(file), text, 'PlainCNN', { transformations: [{ kind: 'dropBias' }] });
    assert.ok(r.errors.some((e) => e.message === 'RuntimeError: running_mean should contain 64 elements not 48'), JSON.stringify(r.errors));
  });

  it("a width multiplier keeps the input channels of the conv fed the model's input, wherever it is registered", () => {
    const text = [
      'import torch.nn as nn',
      '',
      '# conv-lens: input=(1, 3, 32, 32)',
      'class HeadFirst(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.head = nn.Conv2d(32, 10, 1)',
      '        self.stem = nn.Conv2d(3, 32, 3, padding=1)',
      '',
      '    def forward(self, x):',
      '        return self.head(self.stem(x))',
      '',
    ].join('\n');
    const channels = (plan: WhatIfPlan): Record<string, bigint[]> => {
      const r = whatIfModel(optionsFor('/virtual/head_first.py'), text, 'HeadFirst', plan);
      assert.deepEqual(r.errors, []);
      return Object.fromEntries(r.after.layers.map((l) => [l.name, [l.record!.spec.in_channels, l.record!.spec.out_channels]]));
    };
    // Every conv's output channels scale, a conv head's class count too (10 → 8)…
    assert.deepEqual(channels({ transformations: [{ kind: 'width', multiplier: 0.5, divisor: 8 }] }), { head: [16n, 8n], stem: [3n, 16n] });
    // …unless the head is switched off: then it keeps its output, and its input follows the stem.
    assert.deepEqual(channels({ transformations: [{ kind: 'width', multiplier: 0.5, divisor: 8 }], excluded: { width: ['head'] } }), { head: [16n, 10n], stem: [3n, 16n] });
  });

  it('a model that is not in the file gives an error, not an exception', () => {
    const r = whatIfModel(optionsFor(file), source, 'Missing', { transformations: [{ kind: 'separable' }] });
    assert.equal(r.changes.length, 0);
    assert.match(r.errors[0].message, /no model named Missing/);
  });

  it('applyEdits applies edits in offset order and refuses overlaps', () => {
    assert.equal(applyEdits('abcdef', [{ from: 4, to: 5, text: 'X' }, { from: 1, to: 2, text: 'YY' }]), 'aYYcdXf');
    assert.throws(() => applyEdits('abcdef', [{ from: 1, to: 4, text: '' }, { from: 2, to: 3, text: '' }]), RangeError);
  });

  it("makeDivisible rounds as torchvision's _make_divisible", () => {
    // Values from torchvision.models._utils._make_divisible in torch 1.13 / torchvision 0.14.
    assert.equal(makeDivisible(32 * 0.75, 8), 24n);
    assert.equal(makeDivisible(96 * 0.35, 8), 32n);
    assert.equal(makeDivisible(16 * 0.35, 8), 8n);
    assert.equal(makeDivisible(1280 * 1.4, 8), 1792n);
    assert.equal(makeDivisible(20, 16), 32n);
  });
});

describe('model-wide what-if over the corpus', function () {
  this.timeout(300_000);
  const dir = path.join(ROOT, 'test/fixtures/models');
  const plans: WhatIfPlan[] = [
    { transformations: [{ kind: 'separable' }, { kind: 'dropBias' }] },
    { transformations: [{ kind: 'groups', groups: 2 }] },
    { transformations: [{ kind: 'width', multiplier: 0.5, divisor: 8 }] },
  ];

  it('never fails inside, its edits apply, and every applied layer stands in the model analysed again', () => {
    let applied = 0;
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.py'))) {
      const file = path.join(dir, f);
      const source = fs.readFileSync(file, 'utf8');
      for (const model of analyzeFile(source, optionsFor(file)).models.slice(0, 2)) {
        for (const plan of plans) {
          const r = whatIfModel(optionsFor(file), source, model.entry, plan);
          const where = `${f} ${model.entry} ${plan.transformations[0].kind}`;
          assert.ok(!r.errors.some((e) => /internal error/.test(e.message)), `${where}: ${r.errors.map((e) => e.message).join('; ')}`);
          // Edits of layers built by helpers in other files (a zoo's layers package) go to those files.
          const byFile = new Map<string, typeof r.edits>();
          for (const e of r.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
          for (const [target, edits] of byFile) {
            const text = fs.readFileSync(target, 'utf8');
            assert.doesNotThrow(() => applyEdits(text, edits), `${where} (${target})`);
          }
          const names = new Set(r.after.layers.map((l) => l.name));
          for (const c of r.changes.filter((x) => x.status === 'applied')) {
            applied++;
            for (const n of c.replacedBy!) assert.ok(names.has(n), `${where}: ${n} is missing after the what-if`);
          }
          for (const c of r.changes.filter((x) => x.status !== 'applied')) assert.ok(c.reason, `${where}: ${c.name} ${c.kind} ${c.status} without a reason`);
        }
      }
    }
    assert.ok(applied > 500, `only ${applied} changes applied over the corpus`);
  });
});
