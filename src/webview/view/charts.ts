import { withCommas } from '../../core';
import { h, lazyDetails, px, s } from '../dom';
import { BarChart, CurveChart } from '../model/charts';

/**
 * SVG charts drawn from the geometry in model/charts.ts. Colors come only from CSS classes
 * bound to VS Code's theme variables; every chart has a table with the same numbers after it.
 */
export function barChartFigure(id: string, title: string, unit: string, chart: BarChart): HTMLElement {
  const { box } = chart;
  const titleId = `${id}-title`;
  const plotBottom = box.height - box.margin.bottom;
  const svg = s('svg', { viewBox: `0 0 ${box.width} ${box.height}`, role: 'img', 'aria-labelledby': titleId, class: 'chart', id },
    ...yAxis(chart.yTicks, box.margin.left, box.width - box.margin.right),
    s('line', { class: 'axis', x1: box.margin.left, x2: box.width - box.margin.right, y1: plotBottom, y2: plotBottom }),
    ...chart.bars.flatMap((bar) => [
      s('rect', { class: bar.current ? 'bar current' : 'bar', x: px(bar.x), y: px(bar.y), width: px(bar.width), height: px(bar.height) },
        s('title', {}, `${bar.label}: ${withCommas(bar.value)} ${unit}`)),
      s('text', { class: 'value', x: px(bar.x + bar.width / 2), y: px(bar.y - 4), 'text-anchor': 'middle' }, bar.valueText),
      s('text', { class: 'category', x: px(bar.x + bar.width / 2), y: px(plotBottom + 14), 'text-anchor': 'middle' }, shorten(bar.label)),
    ]),
    s('text', { class: 'axis-title', x: 4, y: 12 }, `${unit}${chart.log ? ' (log scale)' : ''}`));
  const rows = (): HTMLElement[] => chart.bars.map((bar) => h('tr', {}, h('th', { scope: 'row' }, bar.label), h('td', { class: 'num' }, withCommas(bar.value))));
  return h('figure', { class: 'chart-figure' },
    h('figcaption', { id: titleId }, title),
    svg,
    dataTable(`${title}: data`, ['Variant', unit], rows));
}

const SERIES_CLASSES = ['series-a', 'series-b'];

export function curveChartFigure(id: string, title: string, chart: CurveChart): HTMLElement {
  const { box } = chart;
  const titleId = `${id}-title`;
  const plotBottom = box.height - box.margin.bottom;
  const many = chart.series.some((sr) => sr.points.length > 64);
  const svg = s('svg', { viewBox: `0 0 ${box.width} ${box.height}`, role: 'img', 'aria-labelledby': titleId, class: 'chart', id },
    ...yAxis(chart.yTicks, box.margin.left, box.width - box.margin.right),
    ...chart.xTicks.flatMap((t) => [
      s('line', { class: 'tick', x1: px(t.position), x2: px(t.position), y1: plotBottom, y2: plotBottom + 4 }),
      s('text', { class: 'tick-label', x: px(t.position), y: plotBottom + 16, 'text-anchor': 'middle' }, t.text),
    ]),
    s('line', { class: 'axis', x1: box.margin.left, x2: box.width - box.margin.right, y1: plotBottom, y2: plotBottom }),
    s('text', { class: 'axis-title', x: box.width - box.margin.right, y: box.height - 4, 'text-anchor': 'end' }, 'groups (log scale)'),
    s('text', { class: 'axis-title', x: 4, y: 12 }, 'count (log scale)'),
    ...chart.series.flatMap((series, i) => {
      const cls = SERIES_CLASSES[i % SERIES_CLASSES.length];
      const line = s('polyline', { class: `curve ${cls}`, points: series.points.map((p) => `${px(p.x)},${px(p.y)}`).join(' ') });
      // Thousands of markers would only blur into the line; the table keeps every value.
      const markers = many ? series.points.filter((p) => p.current) : series.points;
      return [line, ...markers.map((p) => s('circle', { class: `marker ${cls}${p.current ? ' current' : ''}`, cx: px(p.x), cy: px(p.y), r: p.current ? 5 : 3 },
        s('title', {}, `${series.name} at groups=${withCommas(p.groups)}: ${withCommas(p.value)}`)))];
    }),
    ...legend(chart));
  const byGroups = new Map<string, string[]>();
  chart.series.forEach((series, i) => series.points.forEach((p) => {
    const row = byGroups.get(p.groups.toString()) ?? chart.series.map(() => '—');
    row[i] = withCommas(p.value);
    byGroups.set(p.groups.toString(), row);
  }));
  const rows = (): HTMLElement[] => [...byGroups.entries()].slice(0, 500).map(([g, values]) => h('tr', {}, h('th', { scope: 'row' }, withCommas(BigInt(g))), ...values.map((v) => h('td', { class: 'num' }, v))));
  const note = byGroups.size > 500 ? h('p', { class: 'hint' }, `The first 500 of ${byGroups.size} groups values.`) : null;
  return h('figure', { class: 'chart-figure wide' },
    h('figcaption', { id: titleId }, title),
    svg,
    dataTable(`${title}: data`, ['groups', ...chart.series.map((sr) => sr.name)], rows, note));
}

function legend(chart: CurveChart): SVGElement[] {
  const x = chart.box.width - chart.box.margin.right - 150;
  return chart.series.flatMap((series, i) => {
    const cls = SERIES_CLASSES[i % SERIES_CLASSES.length];
    const y = chart.box.margin.top + 6 + i * 16;
    return [
      s('line', { class: `curve ${cls}`, x1: x, x2: x + 18, y1: y, y2: y }),
      s('text', { class: 'legend', x: x + 24, y: y + 4 }, series.name),
    ];
  });
}

function yAxis(ticks: ReadonlyArray<{ position: number; text: string }>, left: number, right: number): SVGElement[] {
  return [
    s('line', { class: 'axis', x1: left, x2: left, y1: Math.min(...ticks.map((t) => t.position)), y2: Math.max(...ticks.map((t) => t.position)) }),
    ...ticks.flatMap((t) => [
      s('line', { class: 'grid', x1: left, x2: right, y1: px(t.position), y2: px(t.position) }),
      s('text', { class: 'tick-label', x: left - 6, y: px(t.position + 4), 'text-anchor': 'end' }, t.text),
    ]),
  ];
}

function dataTable(caption: string, headers: string[], rows: () => HTMLElement[], note: HTMLElement | null = null): HTMLElement {
  return lazyDetails('Show the numbers as a table', () => [
    h('table', {}, h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, ...rows())),
    note]);
}

function shorten(label: string): string {
  return label.length > 14 ? `${label.slice(0, 13)}…` : label;
}
