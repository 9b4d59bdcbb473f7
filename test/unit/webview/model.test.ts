import * as assert from 'node:assert/strict';
import { ConvArgs, buildConv, computeLayer, groupChoices, groupsTable, withCommas } from '../../../src/core';
import { applyAction } from '../../../src/webview/model/apply';
import { CURVE_POINTS, groupsCurve } from '../../../src/webview/model/groupsCurve';
import { compareVariants, otherGroups } from '../../../src/webview/model/variants';
import { BaseLayer, controlsFromLayer, evaluateControls, parseIntegers } from '../../../src/webview/model/whatIf';

function spec(args: ConvArgs) {
  const built = buildConv(args);
  if (!built.ok) throw new Error(built.error.message);
  return built.spec;
}

const mobilenet = spec({ type: 'Conv2d', in_channels: 512n, out_channels: 512n, kernel_size: 3n, padding: 1n, bias: false });
const mobilenetBase: BaseLayer = { spec: mobilenet, input: [1n, 512n, 14n, 14n] };

describe('webview model: variants side by side', () => {
  it('gives the MobileNet paper\'s Table 3 figures for the dense layer and its separable replacement', () => {
    const { variants } = compareVariants(mobilenet, mobilenetBase.input, 'fp32');
    const dense = variants.find((v) => v.id === 'this')!;
    const separable = variants.find((v) => v.id === 'separable')!;
    assert.equal(dense.macs, 462_422_016n);
    assert.equal(dense.params, 2_359_296n);
    assert.equal(separable.macs, 52_283_392n);
    assert.equal(separable.params, 266_752n);
    assert.equal(separable.weightShape, '[512, 1, 3, 3] + [512, 512, 1, 1]');
    assert.ok(Math.abs(separable.macsSavings! - 462_422_016 / 52_283_392) < 1e-9);
  });

  it('matches torchinfo\'s grouped-conv test (1,184 params) and saves exactly groups against dense', () => {
    const grouped = spec({ type: 'Conv2d', in_channels: 16n, out_channels: 32n, kernel_size: 3n, groups: 4n });
    const { variants } = compareVariants(grouped, [7n, 16n, 28n, 28n], 'fp32');
    const self = variants[0];
    assert.equal(self.params, 1_184n);
    assert.equal(self.weightShape, '[32, 4, 3, 3]');
    assert.equal(self.macsSavings, 4);
    assert.deepEqual(variants.map((v) => v.id), ['this', 'g1', 'g2', 'g8', 'g16', 'separable']);
    assert.equal(variants.find((v) => v.id === 'g16')!.title, 'Depthwise');
  });

  it('counts activation memory per element type and the separable layer\'s intermediate tensor twice', () => {
    const fp32 = compareVariants(mobilenet, mobilenetBase.input, 'fp32').variants;
    const int8 = compareVariants(mobilenet, mobilenetBase.input, 'int8').variants;
    const tensor = 512n * 14n * 14n;
    assert.equal(fp32[0].activationBytes, 2n * tensor * 4n);
    assert.equal(int8[0].activationBytes, 2n * tensor);
    assert.equal(fp32.find((v) => v.id === 'separable')!.activationBytes, 4n * tensor * 4n);
    assert.equal(int8[0].weightBytes, 2_359_296n);
  });

  it('has no separable column for a transposed layer, and says why', () => {
    const up = spec({ type: 'ConvTranspose2d', in_channels: 64n, out_channels: 32n, kernel_size: 4n, stride: 2n, padding: 1n });
    const c = compareVariants(up, [1n, 64n, 16n, 16n], 'fp32');
    assert.ok(!c.variants.some((v) => v.id === 'separable'));
    assert.match(c.separableNote!, /not for transposed/);
  });

  it('picks other groups values spread on a log scale, always including the largest', () => {
    const valid = [1n, 2n, 4n, 8n, 16n, 32n, 64n, 128n, 256n, 512n];
    assert.deepEqual(otherGroups(valid, 1n), [2n, 16n, 512n]);
    assert.deepEqual(otherGroups([1n, 2n, 3n, 6n], 2n), [3n, 6n]);
    assert.deepEqual(otherGroups([1n], 1n), []);
  });
});

describe('webview model: params and MACs at every valid groups value', () => {
  const layers: Array<[string, ConvArgs, bigint[]]> = [
    ['Conv2d 64->128 k3 g4', { type: 'Conv2d', in_channels: 64n, out_channels: 128n, kernel_size: 3n, padding: 1n, groups: 4n }, [2n, 64n, 20n, 20n]],
    ['Conv1d 36->24 k5 no bias', { type: 'Conv1d', in_channels: 36n, out_channels: 24n, kernel_size: 5n, bias: false }, [1n, 36n, 50n]],
    ['ConvTranspose2d 48->72 k4 s2', { type: 'ConvTranspose2d', in_channels: 48n, out_channels: 72n, kernel_size: 4n, stride: 2n, groups: 6n }, [1n, 48n, 7n, 7n]],
    ['Conv3d 12->12 k(1,3,3)', { type: 'Conv3d', in_channels: 12n, out_channels: 12n, kernel_size: [1n, 3n, 3n], padding: [0n, 1n, 1n] }, [1n, 12n, 4n, 8n, 8n]],
  ];
  for (const [name, args, input] of layers) {
    it(`equals the core's groupsTable for ${name}`, () => {
      const record = computeLayer(spec(args), input);
      const curve = groupsCurve(record);
      assert.deepEqual(curve.map((p) => [p.groups, p.params, p.macs]), groupsTable(record).map((v) => [v.groups, v.params, v.macs]));
      assert.equal(curve.filter((p) => p.current).length, 1);
    });
  }

  it('stays instant for 10^12 channels (169 groups values)', () => {
    const record = computeLayer(spec({ type: 'Conv2d', in_channels: 10n ** 12n, out_channels: 10n ** 12n, kernel_size: 1n }), [1n, 10n ** 12n, 1n, 1n]);
    const curve = groupsCurve(record);
    assert.equal(curve.length, 169);
    assert.equal(curve[curve.length - 1].params, 10n ** 12n + 10n ** 12n);
  });

  it('plots the bounded list of 6,720 valid values: the ends, the current value and its nearest neighbours', () => {
    const n = 963761198400n; // 2^6 * 3^4 * 5^2 * 7 * 11 * 13 * 17 * 19 * 23: 6,720 divisors
    const record = computeLayer(spec({ type: 'Conv2d', in_channels: n, out_channels: n, kernel_size: 1n, groups: 1001n }), [1n, n, 1n, 1n]);
    // Past 1,024 valid values the core lists the count, the ends and the values nearest groups.
    assert.equal(record.valid_groups_count, 6720n);
    assert.equal(record.valid_groups_complete, false);
    const curve = groupsCurve(record);
    assert.ok(curve.length <= CURVE_POINTS && curve.length === record.valid_groups.length, String(curve.length));
    const shown = curve.map((p) => p.groups);
    const at = record.valid_groups.indexOf(1001n);
    for (const g of [1n, n, ...record.valid_groups.slice(at - 2, at + 3)]) assert.ok(shown.includes(g), `${g} is not plotted`);
    assert.deepEqual(shown, [...shown].sort((a, b) => (a < b ? -1 : 1)));
    assert.ok(curve.some((p) => p.current));
    for (const p of curve) assert.equal(p.params, record.dense_weight_params / p.groups + n);
  });

  it('groupChoices reads no more of the list than it returns, and returns short lists whole', () => {
    const values = Array.from({ length: 10 }, (_, i) => BigInt(i + 1));
    assert.deepEqual(groupChoices(values, 4n, 20), values);
    assert.deepEqual(groupChoices(values, 7n, 5).length, 5);
    assert.deepEqual(groupChoices(values, null, 3), [1n, 6n, 10n]);
    const touched = new Set<number>();
    const big = new Proxy(Array.from({ length: 1_000_000 }, (_, i) => BigInt(i + 1)), {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) touched.add(Number(key));
        return Reflect.get(target, key, receiver);
      },
    });
    assert.equal(groupChoices(big, 500_000n, 50).length, 50);
    assert.ok(touched.size <= 50 + 2 * 20, `read ${touched.size} entries`);
  });
});

describe('webview model: what-if controls', () => {
  it('starts from the layer as written and reports no change', () => {
    const controls = controlsFromLayer(mobilenetBase);
    assert.deepEqual(controls, { in_channels: '512', out_channels: '512', kernel_size: '3', stride: '1', dilation: '1', groups: '1', input: '14' });
    const w = evaluateControls(mobilenetBase, controls);
    assert.ok(w.ok);
    if (w.ok) {
      assert.deepEqual(w.changed, []);
      assert.deepEqual(w.input, [1n, 512n, 14n, 14n]);
    }
  });

  it('explains an invalid groups value with PyTorch\'s own message', () => {
    const w = evaluateControls(mobilenetBase, { ...controlsFromLayer(mobilenetBase), in_channels: '96', groups: '64' });
    assert.deepEqual(w, { ok: false, field: 'groups', message: 'in_channels must be divisible by groups' });
  });

  it('explains padding=\'same\' with a stride', () => {
    const same = spec({ type: 'Conv2d', in_channels: 8n, out_channels: 8n, kernel_size: 3n, padding: 'same' });
    const w = evaluateControls({ spec: same, input: null }, { ...controlsFromLayer({ spec: same, input: null }), stride: '2' });
    assert.equal(w.ok, false);
    if (!w.ok) assert.equal(w.message, "padding='same' is not supported for strided convolutions");
  });

  it('keeps the input\'s batch and follows in_channels; assumes a size when none is known', () => {
    const w = evaluateControls(mobilenetBase, { ...controlsFromLayer(mobilenetBase), in_channels: '256', input: '7, 9' });
    assert.ok(w.ok);
    if (w.ok) {
      assert.deepEqual(w.input, [1n, 256n, 7n, 9n]);
      assert.deepEqual(w.changed, ['in_channels', 'input']);
    }
    const unknown = evaluateControls({ spec: mobilenet, input: null }, controlsFromLayer({ spec: mobilenet, input: null }));
    assert.ok(unknown.ok && unknown.inputAssumed && unknown.input.join(',') === '1,512,56,56');
  });

  it('reads 10^12 channels exactly and rejects text that is not whole numbers', () => {
    assert.deepEqual(parseIntegers('1_000_000_000_000'), [10n ** 12n]);
    assert.deepEqual(parseIntegers('(3, 5)'), [3n, 5n]);
    assert.equal(parseIntegers('3.5'), null);
    assert.equal(parseIntegers(''), null);
    const w = evaluateControls(mobilenetBase, { ...controlsFromLayer(mobilenetBase), kernel_size: '3, 3, 3' });
    assert.deepEqual(w, { ok: false, field: 'kernel_size', message: 'Kernel size: enter 1 or 2 numbers for a 2-d layer' });
  });
});

describe('webview model: apply to code', () => {
  const written = spec({ type: 'Conv2d', in_channels: 64n, out_channels: 128n, kernel_size: 3n, padding: 1n });
  const base: BaseLayer = { spec: written, input: [1n, 64n, 32n, 32n] };

  it('sets groups for a groups variant, and nothing for the code as written', () => {
    const w = evaluateControls(base, controlsFromLayer(base));
    const { variants } = compareVariants(written, base.input, 'fp32');
    const depthwise = variants.find((v) => v.id === 'g64')!;
    assert.deepEqual(applyAction(depthwise, w, written), { ok: true, request: { kind: 'arguments', args: { groups: '64' } }, summary: 'Set groups=64' });
    assert.deepEqual(applyAction(variants[0], w, written), { ok: false, reason: 'The code already says this.' });
  });

  it('carries changed what-if arguments along, and refuses the separable rewrite until they are applied', () => {
    const w = evaluateControls(base, { ...controlsFromLayer(base), kernel_size: '5', groups: '4' });
    assert.ok(w.ok);
    if (!w.ok) return;
    const { variants } = compareVariants(w.spec, w.input, 'fp32');
    const self = applyAction(variants[0], w, written);
    assert.deepEqual(self.ok && self.request, { kind: 'arguments', args: { kernel_size: ['5', '5'], groups: '4' } });
    const separable = applyAction(variants.find((v) => v.id === 'separable')!, w, written);
    assert.equal(separable.ok, false);
    assert.match(!separable.ok ? separable.reason : '', /kernel size first/);
  });

  it('warns that new channel counts must agree with the neighbouring layers', () => {
    const w = evaluateControls(base, { ...controlsFromLayer(base), out_channels: '96' });
    const { variants } = compareVariants(w.ok ? w.spec : written, base.input, 'fp32');
    const action = applyAction(variants[0], w, written);
    assert.deepEqual(action.ok && action.request, { kind: 'arguments', args: { out_channels: '96' } });
    assert.equal(action.ok && action.summary, 'Set out_channels=96 (the layers before and after must match the new channel counts)');
  });

  it('cannot apply an invalid configuration, and says PyTorch\'s reason', () => {
    const w = evaluateControls(base, { ...controlsFromLayer(base), out_channels: '100', groups: '8' });
    const { variants } = compareVariants(written, base.input, 'fp32');
    assert.deepEqual(applyAction(variants[1], w, written), { ok: false, reason: 'Cannot apply: out_channels must be divisible by groups' });
  });

  it('cannot apply without a source location', () => {
    const w = evaluateControls(base, controlsFromLayer(base));
    const { variants } = compareVariants(written, base.input, 'fp32');
    assert.equal(applyAction(variants[1], w, null).ok, false);
    // The column it would have applied: groups=2 halves the weights, 128 x 32 x 3 x 3 + 128 bias.
    assert.equal(variants[1].title, 'groups=2');
    assert.equal(withCommas(variants[1].params), '36,992');
  });
});
