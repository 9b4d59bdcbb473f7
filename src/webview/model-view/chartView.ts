import { humanize } from '../../core';
import { WireModelLayer, WireModule } from '../../protocol/modelView';
import { h, px, s } from '../dom';
import { Group, groupByModule, share } from './data';
import { exact, percent } from './format';

export type Metric = 'macs' | 'params';

const ROW = 22;
const LABEL = 190;
const WIDTH = 640;

/**
 * Where the compute goes: one horizontal bar per module at the chosen depth of named_modules(),
 * and the same figures in a table behind it (for screen readers and exact digits).
 */
export function breakdownFigure(layers: readonly WireModelLayer[], modules: readonly WireModule[], depth: number, metric: Metric, total: bigint | null): HTMLElement {
  const groups = groupByModule(layers, modules, depth);
  const value = (g: Group): bigint | null => (metric === 'macs' ? g.macs : g.params);
  const max = groups.reduce((m, g) => { const v = value(g); return v !== null && v > m ? v : m; }, 0n);
  const title = `${metric === 'macs' ? 'MACs' : 'Parameters'} by module (depth ${depth})`;
  const height = groups.length * ROW + 8;
  const bars = groups.map((g, i) => {
    const v = value(g);
    const y = 4 + i * ROW;
    const width = v === null || max === 0n ? 0 : Number((v * 10000n) / max) / 10000 * (WIDTH - LABEL - 90);
    const label = g.path.length > 28 ? `…${g.path.slice(-27)}` : g.path;
    return s('g', { class: 'bar-row', 'data-group': g.path },
      s('text', { x: LABEL - 6, y: px(y + ROW / 2 + 4), 'text-anchor': 'end', class: 'category' }, label),
      v === null ? s('text', { x: LABEL, y: px(y + ROW / 2 + 4), class: 'unknown' }, 'unknown')
        : s('rect', { class: 'bar', x: LABEL, y: px(y + 3), width: px(Math.max(width, 1)), height: ROW - 6 }),
      v === null ? null : s('text', { x: px(LABEL + width + 6), y: px(y + ROW / 2 + 4), class: 'value' }, metric === 'macs' && total !== null ? `${humanize(v)} · ${percent(share(v, total))}` : humanize(v)));
  });
  const svg = s('svg', { class: 'chart breakdown', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-label': `${title}: ${groups.length} modules; the table below lists the figures.` }, ...bars);
  const rows = groups.map((g) => h('tr', { 'data-group': g.path },
    h('th', { scope: 'row' }, g.path), h('td', {}, g.type), h('td', { class: 'num' }, String(g.layers)),
    h('td', { class: 'num', title: g.macs === null ? 'unknown' : exact(g.macs) }, g.macs === null ? 'unknown' : humanize(g.macs)),
    h('td', { class: 'num' }, percent(share(g.macs, total))),
    h('td', { class: 'num', title: g.params === null ? 'unknown' : exact(g.params) }, g.params === null ? 'unknown' : humanize(g.params))));
  const table = h('details', { class: 'data', id: 'breakdown-data' }, h('summary', {}, 'Table of this chart'),
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': `${title}, as a table` },
      h('table', { class: 'comparison', id: 'breakdown-table' },
        h('thead', {}, h('tr', {}, ...['Module', 'Type', 'Convs', 'MACs', 'Share of MACs', 'Parameters'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, ...rows))));
  return h('figure', { class: 'chart-figure wide', id: 'breakdown' }, h('figcaption', {}, title), svg, table);
}
