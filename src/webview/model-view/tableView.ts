import { KIND_LABELS, ConvKind } from '../../core';
import { h } from '../dom';
import { Row, Sort, SortKey, big, filterRows, share, sortRows } from './data';
import { deltaText, figureCell, percent, shapeText } from './format';

export interface TableActions {
  reveal(name: string): void;
  sort(key: SortKey): void;
  /** Switches a layer in or out of every transformation of the what-if. */
  toggleLayer(name: string, included: boolean): void;
}

export interface TableOptions {
  rows: readonly Row[];
  filter: string;
  sort: Sort;
  totalMacs: bigint | null;
  /** Null when no transformation is on: no what-if columns. */
  excluded: ReadonlySet<string> | null;
}

const COLUMNS: Array<{ label: string; key: SortKey | null; whatIf?: boolean }> = [
  { label: 'Transform', key: null, whatIf: true },
  { label: '#', key: 'order' },
  { label: 'Layer', key: 'name' },
  { label: 'Type', key: 'type' },
  { label: 'Kind', key: 'kind' },
  { label: 'Input', key: null },
  { label: 'Output', key: null },
  { label: 'Params', key: 'params' },
  { label: 'MACs', key: 'macs' },
  { label: 'Share of MACs', key: null },
  { label: 'What-if params', key: null, whatIf: true },
  { label: 'What-if MACs', key: null, whatIf: true },
  { label: 'Change in MACs', key: 'delta', whatIf: true },
  { label: 'Notes', key: null },
];

function kindLabel(kind: string | null): string {
  return kind === null ? 'unknown' : KIND_LABELS[kind as ConvKind] ?? kind;
}

function header(column: (typeof COLUMNS)[number], sort: Sort, actions: TableActions): HTMLElement {
  if (!column.key) return h('th', { scope: 'col' }, column.label);
  const active = sort.key === column.key;
  const button = h('button', { type: 'button', class: 'sort', 'data-sort': column.key, 'aria-label': `Sort by ${column.label}` }, column.label, active ? (sort.descending ? ' ▼' : ' ▲') : '');
  const key = column.key;
  button.addEventListener('click', () => actions.sort(key));
  return h('th', { scope: 'col', 'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : 'none' }, button);
}

function notes(row: Row): string {
  const parts: string[] = [];
  if (row.layer.reason) parts.push(row.layer.reason);
  for (const c of row.changes) {
    if (c.blocked && c.status === 'applied') parts.push(`${c.kind}: what-if only: ${c.reason ?? 'its code cannot be rewritten safely'}`);
    else if (c.blocked) parts.push(`${c.kind}: not rewritten in the code (${c.reason ?? 'cannot be rewritten safely'})`);
    else if (c.status === 'applied') parts.push(`${c.kind}: ${c.replacedBy.length > 1 ? `becomes ${c.replacedBy.join(' + ')}` : 'applied'}`);
    else if (c.status === 'rejected') parts.push(`${c.kind} rejected: ${c.reason ?? ''}`);
    else if (c.status === 'ineligible') parts.push(`${c.kind}: ${c.reason ?? 'not eligible'}`);
  }
  return parts.join(' · ');
}

function rowElement(row: Row, options: TableOptions, actions: TableActions): HTMLElement {
  const l = row.layer;
  const whatIf = options.excluded !== null;
  const rejected = row.changes.some((c) => c.status === 'rejected');
  const nameButton = h('button', { type: 'button', class: 'link', title: l.line > 0 ? `Go to line ${l.line}` : 'Not built by a call in this file', disabled: l.line === 0 }, l.name);
  nameButton.addEventListener('click', () => actions.reveal(l.name));
  let toggle: HTMLElement | null = null;
  if (whatIf) {
    const box = h('input', { type: 'checkbox', class: 'layer-switch', 'aria-label': `Transform ${l.name}` });
    box.checked = !options.excluded!.has(l.name);
    box.addEventListener('change', () => actions.toggleLayer(l.name, box.checked));
    toggle = h('td', {}, box);
  }
  return h('tr', { 'data-layer': l.name, 'data-rejected': rejected ? 'true' : null },
    toggle,
    h('td', { class: 'num' }, String(row.index + 1)),
    h('th', { scope: 'row' }, nameButton),
    h('td', {}, l.type),
    h('td', {}, kindLabel(l.kind)),
    h('td', { class: 'num' }, shapeText(l.input)),
    h('td', { class: 'num' }, shapeText(l.output)),
    h('td', { class: 'num' }, figureCell(big(l.params), l.reason)),
    h('td', { class: 'num' }, figureCell(big(l.macs), l.reason)),
    h('td', { class: 'num' }, percent(share(big(l.macs), options.totalMacs))),
    whatIf ? h('td', { class: 'num' }, figureCell(row.paramsAfter, 'unknown in the what-if')) : null,
    whatIf ? h('td', { class: 'num' }, figureCell(row.macsAfter, 'unknown in the what-if')) : null,
    whatIf ? h('td', { class: 'num delta' }, deltaText(big(l.macs), row.macsAfter)) : null,
    h('td', { class: 'text notes-cell' }, notes(row)));
}

/** The sortable, filterable layer table; a layer's name goes to its code. */
export function layerTable(options: TableOptions, actions: TableActions): HTMLElement {
  const shown = sortRows(filterRows(options.rows, options.filter), options.sort);
  const columns = COLUMNS.filter((c) => options.excluded !== null || !c.whatIf);
  return h('div', {},
    h('p', { class: 'hint', id: 'layer-count', role: 'status' }, `Showing ${shown.length} of ${options.rows.length} conv layers.`),
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Conv layers' },
      h('table', { class: 'comparison layers', id: 'layers' },
        h('thead', {}, h('tr', {}, ...columns.map((c) => header(c, options.sort, actions)))),
        h('tbody', {}, ...shown.map((r) => rowElement(r, options, actions))))));
}
