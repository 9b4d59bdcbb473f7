import { formatFactor, humanize, humanizeBytes, withCommas } from '../../core';
import { h } from '../dom';
import { ApplyAction } from '../model/apply';
import { Variant } from '../model/variants';

interface Row {
  label: string;
  unit?: string;
  /** Text rows wrap; number rows keep their digits on one line. */
  text?: boolean;
  cell(v: Variant): { text: string; exact?: string };
}

const count = (value: bigint | null): { text: string; exact?: string } =>
  value === null ? { text: '—' } : { text: humanize(value), exact: withCommas(value) };
const bytes = (value: bigint | null): { text: string; exact?: string } =>
  value === null ? { text: '—' } : { text: humanizeBytes(value), exact: `${withCommas(value)} bytes` };

const ROWS: Row[] = [
  { label: 'Kind', text: true, cell: (v) => ({ text: v.kind }) },
  { label: 'Weight shape', cell: (v) => ({ text: v.weightShape }) },
  { label: 'Parameters', cell: (v) => count(v.params) },
  { label: 'MACs', unit: 'multiply-accumulates', cell: (v) => count(v.macs) },
  { label: 'FLOPs', unit: '2 x MACs', cell: (v) => count(v.flops) },
  { label: 'Weight memory', cell: (v) => bytes(v.weightBytes) },
  { label: 'Activation memory', unit: 'input + output (+ intermediate)', cell: (v) => bytes(v.activationBytes) },
  { label: 'Arithmetic intensity', unit: 'FLOPs per byte', cell: (v) => ({ text: v.intensity === null ? '—' : v.intensity.toFixed(v.intensity >= 100 ? 0 : 1) }) },
  { label: 'Params saved vs dense', cell: (v) => ({ text: formatFactor(v.paramsSavings) }) },
  { label: 'MACs saved vs dense', cell: (v) => ({ text: v.macsSavings === null ? '—' : formatFactor(v.macsSavings) }) },
];

/** Variants side by side: one column each, one row per figure, exact digits in each cell's title. */
export function comparisonTable(variants: readonly Variant[], actions: ReadonlyMap<string, ApplyAction>, onApply: (id: string) => void): HTMLElement {
  const head = h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Figure')),
    ...variants.map((v) => h('th', { scope: 'col', class: v.current ? 'current' : null, id: `variant-${v.id}` }, v.title)));
  const body = ROWS.map((row) => h('tr', { 'data-row': row.label },
    h('th', { scope: 'row' }, row.label, row.unit ? h('span', { class: 'unit' }, row.unit) : null),
    ...variants.map((v) => {
      const { text, exact } = row.cell(v);
      return h('td', { class: `${v.current ? 'current ' : ''}${row.text ? 'text' : 'num'}`, title: exact ?? null, 'data-exact': exact ?? null }, text);
    })));
  const applyRow = h('tr', { class: 'apply-row' }, h('th', { scope: 'row' }, 'Apply to code'),
    ...variants.map((v) => h('td', { class: v.current ? 'current' : null }, applyButton(v, actions.get(v.id), onApply))));
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Comparison table' },
    h('table', { class: 'comparison', id: 'comparison' },
      h('caption', {}, 'The layer, its dense version, other valid groups values and its depthwise-separable replacement. Savings are against dense (groups=1). Hover a number for its exact digits.'),
      h('thead', {}, head), h('tbody', {}, ...body, applyRow)));
}

function applyButton(variant: Variant, action: ApplyAction | undefined, onApply: (id: string) => void): HTMLElement {
  if (!action) return h('span', { class: 'hint' }, '—');
  if (!action.ok) {
    return h('span', { class: 'apply-blocked' }, h('button', { type: 'button', disabled: true, 'aria-describedby': `apply-why-${variant.id}`, 'data-variant': variant.id }, 'Apply'),
      h('span', { class: 'hint', id: `apply-why-${variant.id}` }, action.reason));
  }
  const button = h('button', { type: 'button', 'data-variant': variant.id, title: action.summary }, variant.groups === null ? 'Apply rewrite' : 'Apply');
  button.addEventListener('click', () => onApply(variant.id));
  return h('span', {}, button, h('span', { class: 'hint' }, action.summary));
}
