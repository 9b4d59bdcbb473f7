import { ratio } from '../../core';
import { TotalKey, WireFigure, WireTotals } from '../../protocol/modelView';
import { h } from '../dom';
import { big } from './data';
import { deltaText, factor, figureCell } from './format';

interface TotalRow {
  label: string;
  key: TotalKey;
  hint: string;
  bytes?: boolean;
}

const ROWS: TotalRow[] = [
  { label: 'Parameters', key: 'params', hint: 'every module: convs, norms, linear…' },
  { label: 'Conv parameters', key: 'convParams', hint: 'weights and biases of the convs' },
  { label: 'MACs', key: 'macs', hint: 'multiply-accumulates of the convs' },
  { label: 'FLOPs', key: 'flops', hint: '2 × MACs' },
  { label: 'Dense-equivalent conv parameters', key: 'denseParams', hint: 'every conv with groups=1' },
  { label: 'Dense-equivalent MACs', key: 'denseMacs', hint: 'every conv with groups=1' },
  { label: 'Conv weights', key: 'weightBytes', hint: 'fp32' },
  { label: 'Largest layer activations', key: 'peakActivationBytes', hint: 'input + output of one conv, fp32' },
];

function cell(f: WireFigure, bytes: boolean): HTMLElement {
  return h('td', { class: 'num' }, figureCell(big(f.value), f.reason, bytes));
}

function savings(t: WireTotals, dense: TotalKey, actual: TotalKey): HTMLElement {
  const d = big(t[dense].value);
  const a = big(t[actual].value);
  return h('td', { class: 'num' }, d !== null && a !== null && a > 0n ? factor(ratio(d, a)) : h('span', { class: 'unknown', title: t[actual].reason ?? t[dense].reason ?? '' }, 'unknown'));
}

/** The totals table: as written, and beside it the what-if and the change when there is one. */
export function totalsTable(before: WireTotals, after: WireTotals | null): HTMLElement {
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Total'), h('th', { scope: 'col' }, 'As written'),
    after ? h('th', { scope: 'col' }, 'What-if') : null, after ? h('th', { scope: 'col' }, 'Change') : null);
  const body = ROWS.map((row) => h('tr', { 'data-total': row.key },
    h('th', { scope: 'row' }, row.label, h('span', { class: 'unit' }, row.hint)),
    cell(before[row.key], row.bytes ?? row.key.endsWith('Bytes')),
    after ? cell(after[row.key], row.key.endsWith('Bytes')) : null,
    after ? h('td', { class: 'num delta' }, deltaText(big(before[row.key].value), big(after[row.key].value))) : null));
  const saved = (label: string, dense: TotalKey, actual: TotalKey): HTMLElement => h('tr', { 'data-total': `savings-${actual}` },
    h('th', { scope: 'row' }, label, h('span', { class: 'unit' }, 'dense-equivalent / as counted')),
    savings(before, dense, actual), after ? savings(after, dense, actual) : null, after ? h('td') : null);
  const unknown = [...Object.values(before), ...(after ? Object.values(after) : [])].filter((f): f is WireFigure => typeof f === 'object' && f.value === null && f.reason !== null);
  const reasons = [...new Set(unknown.map((f) => f.reason!))];
  return h('div', {},
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Model totals' },
      h('table', { class: 'comparison', id: 'totals' },
        h('caption', {}, `${before.convLayers} conv layers. Figures are exact; hover one for every digit.`),
        h('thead', {}, head), h('tbody', {}, ...body, saved('Parameter savings', 'denseParams', 'convParams'), saved('MAC savings', 'denseMacs', 'macs')))),
    reasons.length > 0 ? h('ul', { class: 'notes', id: 'unknown-reasons' }, ...reasons.map((r) => h('li', {}, r))) : null);
}
