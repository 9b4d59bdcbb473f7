import { humanize, withCommas } from '../../core';
import { h, lazyDetails, px, s } from '../dom';
import { GroupsLayout, MatrixLayout } from '../model/connectivityLayout';

const MATRIX_SIZE = 288;

/** The C_out x C_in matrix: a filled cell means those output channels see those input channels. */
export function matrixFigure(layout: MatrixLayout): HTMLElement {
  const cellW = MATRIX_SIZE / Math.max(1, layout.cols);
  const cellH = MATRIX_SIZE / Math.max(1, layout.rows);
  const left = 28;
  const top = 22;
  const svg = s('svg', { viewBox: `0 0 ${MATRIX_SIZE + left + 4} ${MATRIX_SIZE + top + 4}`, width: MATRIX_SIZE + left + 4, class: 'chart matrix', role: 'img', 'aria-labelledby': 'matrix-title', id: 'matrix' },
    s('text', { class: 'axis-title', x: left, y: 12 }, 'input channels →'),
    s('text', { class: 'axis-title', x: 12, y: top + MATRIX_SIZE / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${top + MATRIX_SIZE / 2})` }, 'output channels →'),
    s('rect', { class: 'matrix-frame', x: left, y: top, width: MATRIX_SIZE, height: MATRIX_SIZE }),
    ...layout.cells.map((c) => s('rect', {
      class: `cell level-${c.level}`, x: px(left + c.col * cellW), y: px(top + c.row * cellH), width: px(cellW * c.span), height: px(cellH),
      'data-fraction': c.fraction,
    })));
  const bins = layout.aggregated
    ? `Aggregated: one row is ${layout.outPerRow} output channels, one column ${layout.inPerCol} input channels; a cell's shade says what share of its channel pairs are connected.`
    : 'One row per output channel, one column per input channel.';
  return h('figure', { class: 'chart-figure' },
    h('figcaption', { id: 'matrix-title' }, 'Channel connectivity (C_out x C_in)'),
    svg,
    h('p', { class: 'hint' }, `${layout.caption}. Connected: ${layout.density} of all channel pairs. ${bins}`),
    lazyDetails('Show the numbers as a table', () => [
      h('table', {}, h('caption', {}, 'Connected share of each run of equal cells (rows: output bins, columns: input bins); empty cells omitted'),
        h('thead', {}, h('tr', {}, ...['Row', 'Columns', 'Connected'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...layout.cells.slice(0, 400).map((c) => h('tr', {}, h('td', { class: 'num' }, String(c.row + 1)), h('td', { class: 'num' }, c.span === 1 ? String(c.col + 1) : `${c.col + 1}–${c.col + c.span}`), h('td', { class: 'num' }, `${Math.round(c.fraction * 100)}%`)))))]));
}

const LANE_WIDTH = 64;
const LANE_GAP = 10;

/** Each group as its own small convolution, reading its slice of the inputs and writing its slice of the outputs. */
export function groupsFigure(layout: GroupsLayout): HTMLElement {
  const lanes = layout.lanes.length;
  const width = Math.max(320, lanes * (LANE_WIDTH + LANE_GAP) + LANE_GAP);
  const height = 176;
  const laneX = (i: number): number => LANE_GAP + i * (LANE_WIDTH + LANE_GAP);
  const children = layout.lanes.flatMap((lane, i) => {
    const x = laneX(i);
    const mid = x + LANE_WIDTH / 2;
    if (lane.kind === 'more') {
      return [s('text', { class: 'lane-more', x: mid, y: 92, 'text-anchor': 'middle' }, '…'),
        s('text', { class: 'tick-label', x: mid, y: 110, 'text-anchor': 'middle' }, `${withCommas(lane.count)} more`)];
    }
    return [
      s('rect', { class: 'slice in', x, y: 16, width: LANE_WIDTH, height: 18 }, s('title', {}, `inputs ${withCommas(lane.inStart)}–${withCommas(lane.inEnd - 1n)}`)),
      s('text', { class: 'slice-label', x: mid, y: 29, 'text-anchor': 'middle' }, range(lane.inStart, lane.inEnd)),
      s('line', { class: 'link', x1: mid, x2: mid, y1: 34, y2: 64 }),
      s('rect', { class: 'group-box', x: x + 4, y: 64, width: LANE_WIDTH - 8, height: 40, rx: 4 }),
      s('text', { class: 'group-label', x: mid, y: 82, 'text-anchor': 'middle' }, `conv ${withCommas(lane.index + 1n)}`),
      s('text', { class: 'tick-label', x: mid, y: 96, 'text-anchor': 'middle' }, `${short(layout.inPerGroup)}→${short(layout.outPerGroup)}`),
      s('line', { class: 'link', x1: mid, x2: mid, y1: 104, y2: 134 }),
      s('rect', { class: 'slice out', x, y: 134, width: LANE_WIDTH, height: 18 }, s('title', {}, `outputs ${withCommas(lane.outStart)}–${withCommas(lane.outEnd - 1n)}`)),
      s('text', { class: 'slice-label', x: mid, y: 147, 'text-anchor': 'middle' }, range(lane.outStart, lane.outEnd)),
    ];
  });
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, class: 'chart lanes', role: 'img', 'aria-labelledby': 'lanes-title', id: 'lanes' },
    ...children,
    s('text', { class: 'axis-title', x: 4, y: 10 }, 'inputs'),
    s('text', { class: 'axis-title', x: 4, y: height - 6 }, 'outputs'));
  const g = withCommas(layout.groups);
  return h('figure', { class: 'chart-figure' },
    h('figcaption', { id: 'lanes-title' }, `${g} convolution${layout.groups === 1n ? '' : 's'} side by side`),
    svg,
    h('p', { class: 'hint' }, `Each of the ${g} groups is its own convolution: it sees ${withCommas(layout.inPerGroup)} of the input channels (C_in/groups) and writes ${withCommas(layout.outPerGroup)} output channels (C_out/groups).`),
    lanesTable(layout));
}

function lanesTable(layout: GroupsLayout): HTMLElement {
  const span = (start: bigint, end: bigint): string => (end - start === 1n ? withCommas(start) : `${withCommas(start)}–${withCommas(end - 1n)}`);
  const rows = (): HTMLElement[] => layout.lanes.map((lane) => (lane.kind === 'more'
    ? h('tr', {}, h('td', { colspan: '3' }, `… ${withCommas(lane.count)} more groups, each ${withCommas(layout.inPerGroup)} inputs to ${withCommas(layout.outPerGroup)} outputs`))
    : h('tr', {}, h('th', { scope: 'row' }, withCommas(lane.index + 1n)), h('td', { class: 'num' }, span(lane.inStart, lane.inEnd)), h('td', { class: 'num' }, span(lane.outStart, lane.outEnd)))));
  return lazyDetails('Show the numbers as a table', () => [
    h('table', {}, h('caption', {}, 'Input and output channels of each group (0-based, inclusive)'),
      h('thead', {}, h('tr', {}, ...['Group', 'Input channels', 'Output channels'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...rows()))]);
}

function range(start: bigint, end: bigint): string {
  return end - start === 1n ? short(start) : `${short(start)}–${short(end - 1n)}`;
}

/** Channel indices in a lane must fit 64 pixels: exact below 10^4, then humanized ("12.3K"). */
function short(value: bigint): string {
  return value < 10_000n ? value.toString() : humanize(value);
}
