import * as assert from 'node:assert/strict';
import { ConvArgs, buildConv } from '../../../src/core';
import { barChart, curveChart, linearTicks, log10, logTicks, wantsLogScale } from '../../../src/webview/model/charts';
import { MATRIX_CELLS, MAX_LANES, groupsLayout, matrixLayout } from '../../../src/webview/model/connectivityLayout';

function spec(args: ConvArgs) {
  const built = buildConv(args);
  if (!built.ok) throw new Error(built.error.message);
  return built.spec;
}

const box = { width: 400, height: 200, margin: { left: 40, right: 10, top: 20, bottom: 20 } };

describe('webview charts: geometry', () => {
  it('draws linear bars in proportion to their values, from the same baseline', () => {
    const chart = barChart([{ label: 'dense', value: 800n, current: true }, { label: 'g=4', value: 200n, current: false }, { label: 'none', value: null, current: false }], box, false, String);
    assert.equal(chart.bars.length, 2);
    const [a, b] = chart.bars;
    assert.ok(Math.abs(a.height / b.height - 4) < 1e-6);
    assert.equal(a.y + a.height, b.y + b.height);
    assert.equal(a.height, 160);
    assert.deepEqual(chart.yTicks.map((t) => t.text), ['0', '200', '400', '600', '800']);
  });

  it('on a log scale, equal ratios get equal height differences', () => {
    const chart = barChart([10n, 1000n, 100000n].map((value) => ({ label: `${value}`, value, current: false })), box, true, String);
    const [a, b, c] = chart.bars.map((bar) => bar.height);
    assert.ok(Math.abs((b - a) - (c - b)) < 1e-6);
  });

  it('handles values beyond 2^53 without losing their order', () => {
    assert.ok(Math.abs(log10(10n ** 30n) - 30) < 1e-9);
    assert.ok(log10(10n ** 30n + 10n ** 29n) > log10(10n ** 30n));
    const chart = barChart([{ label: 'a', value: 10n ** 24n, current: false }, { label: 'b', value: 10n ** 24n / 2n, current: false }], box, false, String);
    assert.ok(Math.abs(chart.bars[0].height / chart.bars[1].height - 2) < 1e-6);
  });

  it('chooses a log scale only when a linear one would flatten the smallest bars', () => {
    assert.equal(wantsLogScale([2_359_296n, 1_179_648n, 4_608n, 266_752n]), true);
    assert.equal(wantsLogScale([73_856n, 36_992n, 1_280n, null]), false);
    assert.equal(wantsLogScale([5n]), false);
  });

  it('puts log ticks on powers of ten, with 2 and 5 between them on short spans', () => {
    assert.deepEqual(logTicks(0, 2).map((t) => Math.round(10 ** t)), [1, 2, 5, 10, 20, 50, 100]);
    assert.deepEqual(logTicks(0, 12).map((t) => Math.round(t)), [0, 2, 4, 6, 8, 10, 12]);
    assert.deepEqual(linearTicks(73_900n), [0n, 20_000n, 40_000n, 60_000n]);
  });

  it('plots params against groups as a falling line on log-log axes', () => {
    const values = [1n, 2n, 4n, 8n].map((g) => ({ groups: g, value: 1024n / g, current: g === 2n }));
    const chart = curveChart([{ name: 'params', values }], box);
    const ys = chart.series[0].points.map((p) => p.y);
    const xs = chart.series[0].points.map((p) => p.x);
    for (let i = 1; i < ys.length; i++) {
      assert.ok(xs[i] > xs[i - 1] && ys[i] > ys[i - 1], 'right and down on screen');
      assert.ok(Math.abs((ys[i] - ys[i - 1]) - (ys[1] - ys[0])) < 1e-6, 'a straight line');
    }
    assert.equal(chart.series[0].points.filter((p) => p.current).length, 1);
  });
});

describe('webview connectivity: the channel matrix and the group lanes', () => {
  it('draws one full block per group on the diagonal', () => {
    const layout = matrixLayout(spec({ type: 'Conv2d', in_channels: 8n, out_channels: 16n, kernel_size: 3n, groups: 4n }));
    assert.equal(layout.rows, 16);
    assert.equal(layout.cols, 8);
    // Each of the 16 output rows has one run: its group's 2 input columns.
    assert.deepEqual(layout.cells.map((c) => [c.row, c.col, c.span]), Array.from({ length: 16 }, (_, r) => [r, 2 * Math.floor(r / 4), 2]));
    assert.ok(layout.cells.every((c) => c.level === 4));
    assert.equal(layout.aggregated, false);
    assert.equal(layout.density, '1/4');
  });

  it('draws a diagonal for depthwise', () => {
    const layout = matrixLayout(spec({ type: 'Conv2d', in_channels: 32n, out_channels: 32n, kernel_size: 3n, groups: 32n }));
    assert.deepEqual(layout.cells.map((c) => [c.row, c.col, c.span]), Array.from({ length: 32 }, (_, i) => [i, i, 1]));
  });

  it('draws a dense layer as one run per row', () => {
    const layout = matrixLayout(spec({ type: 'Conv2d', in_channels: 10n ** 6n, out_channels: 10n ** 6n, kernel_size: 3n }));
    assert.deepEqual(layout.cells.map((c) => [c.col, c.span, c.level]), Array.from({ length: MATRIX_CELLS }, () => [0, MATRIX_CELLS, 4]));
  });

  it('aggregates a 10^6-channel depthwise layer into a legible picture that says so', () => {
    const layout = matrixLayout(spec({ type: 'Conv2d', in_channels: 10n ** 6n, out_channels: 10n ** 6n, kernel_size: 3n, groups: 10n ** 6n }));
    assert.equal(layout.rows, MATRIX_CELLS);
    assert.ok(layout.aggregated);
    assert.equal(layout.cells.length, MATRIX_CELLS);
    assert.ok(layout.cells.every((c) => c.row === c.col && c.level === 1));
    assert.equal(layout.outPerRow, 'about 20,833');
  });

  it('shows every group when there are few, and the first ones, an ellipsis and the last when there are many', () => {
    const few = groupsLayout(spec({ type: 'Conv2d', in_channels: 64n, out_channels: 128n, kernel_size: 3n, groups: 4n }));
    assert.deepEqual(few.lanes.map((l) => (l.kind === 'group' ? [l.inStart, l.inEnd, l.outStart, l.outEnd] : [])), [[0n, 16n, 0n, 32n], [16n, 32n, 32n, 64n], [32n, 48n, 64n, 96n], [48n, 64n, 96n, 128n]]);
    const many = groupsLayout(spec({ type: 'Conv2d', in_channels: 10n ** 12n, out_channels: 10n ** 12n, kernel_size: 1n, groups: 10n ** 12n }));
    assert.equal(many.lanes.length, MAX_LANES - 1);
    const more = many.lanes[MAX_LANES - 3];
    assert.deepEqual(more, { kind: 'more', count: 10n ** 12n - BigInt(MAX_LANES - 3) - 1n });
    const last = many.lanes[many.lanes.length - 1];
    assert.ok(last.kind === 'group' && last.index === 10n ** 12n - 1n && last.inEnd === 10n ** 12n);
  });
});
