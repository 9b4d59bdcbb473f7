import { humanize, humanizeBytes } from '../../core';
import { h, replace } from '../dom';
import { RunRow, RunTotals } from './run';
import { factor, ms } from './format';

export interface RunActions {
  run(): void;
  cancel(): void;
}

export type RunState = 'idle' | 'running' | 'done' | 'cancelled' | 'failed' | 'unavailable';

export interface RunView {
  element: HTMLElement;
  setState(state: RunState, text: string): void;
  progress(done: number, total: number, label: string): void;
  show(rows: readonly RunRow[], totals: RunTotals, withWhatIf: boolean, flavour: string | null): void;
  clear(): void;
}

const big = (v: bigint | null): string => (v === null ? 'unknown' : humanize(v));

function row(r: RunRow, withWhatIf: boolean): HTMLElement {
  return h('tr', { 'data-layer': r.name, 'data-short': r.shortfall ? 'true' : null },
    h('th', { scope: 'row' }, r.name),
    h('td', { class: 'num' }, big(r.macsBefore)),
    h('td', { class: 'num' }, r.skipped && r.msBefore === null ? 'not run' : ms(r.msBefore)),
    h('td', { class: 'num' }, r.gflopsBefore === null ? '—' : r.gflopsBefore.toFixed(1)),
    withWhatIf ? h('td', { class: 'num' }, big(r.macsAfter)) : null,
    withWhatIf ? h('td', { class: 'num' }, ms(r.msAfter)) : null,
    withWhatIf ? h('td', { class: 'num' }, factor(r.counted)) : null,
    withWhatIf ? h('td', { class: 'num' }, factor(r.measured)) : null,
    h('td', { class: 'num' }, r.needBytes > 0 ? humanizeBytes(BigInt(Math.round(r.needBytes))) : '—'),
    h('td', { class: 'text' }, r.skipped ?? r.shortfall ?? (withWhatIf ? r.explanation ?? '' : '')));
}

/** The whole-model run: Run and Cancel, progress, and per layer the measured time beside the counted MACs. */
export function runView(actions: RunActions): RunView {
  const runButton = h('button', { type: 'button', id: 'model-run' }, 'Run the whole model');
  const cancelButton = h('button', { type: 'button', id: 'model-cancel', class: 'secondary', disabled: true }, 'Cancel');
  const bar = h('progress', { id: 'model-progress', max: 1, value: 0, 'aria-label': 'Whole-model run progress' });
  const status = h('div', { id: 'model-run-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const flags = h('ul', { id: 'model-run-flags', class: 'notes' });
  const results = h('div', { id: 'model-run-results' });
  runButton.addEventListener('click', () => actions.run());
  cancelButton.addEventListener('click', () => actions.cancel());
  const element = h('section', { id: 'model-run-section', class: 'sandbox', 'aria-labelledby': 'model-run-title', 'data-state': 'idle' },
    h('h2', { id: 'model-run-title' }, 'Sandbox run of the whole model'),
    h('p', { class: 'hint' }, 'Runs every conv, one at a time, on random input of the shape the analysis found, with the built-in WebAssembly kernel in a Web Worker (no file or network access): the model as written and, with a what-if, as transformed. The memory budget (convLens.sandbox.memoryBudgetMB) applies to each layer.'),
    h('div', { class: 'sandbox-bar' }, runButton, ' ', cancelButton, ' ', bar),
    status, flags, results);
  return {
    element,
    setState(state, text) {
      element.dataset.state = state;
      runButton.disabled = state === 'running' || state === 'unavailable';
      cancelButton.disabled = state !== 'running';
      status.textContent = text;
      status.dataset.kind = state === 'failed' ? 'failed' : state === 'done' ? 'ok' : 'info';
      if (state !== 'running') bar.value = state === 'done' ? bar.max : bar.value;
    },
    progress(done, total, label) {
      bar.max = total;
      bar.value = done;
      status.textContent = `${label}… (${done}/${total})`;
    },
    show(rows, totals, withWhatIf, flavour) {
      const head = ['Layer', 'MACs', 'Time (ms)', 'GFLOP/s', ...(withWhatIf ? ['What-if MACs', 'What-if time (ms)', 'Counted MAC ratio', 'Measured speedup'] : []), 'Memory for the run', 'Why'];
      const total = h('tr', { class: 'total', 'data-layer': '(total)' },
        h('th', { scope: 'row' }, `Total (${totals.measured} of ${rows.length} measured)`),
        h('td', { class: 'num' }, big(totals.macsBefore)), h('td', { class: 'num' }, ms(totals.msBefore)), h('td'),
        withWhatIf ? h('td', { class: 'num' }, big(totals.macsAfter)) : null,
        withWhatIf ? h('td', { class: 'num' }, ms(totals.msAfter)) : null,
        withWhatIf ? h('td', { class: 'num' }, factor(totals.macsBefore !== null && totals.macsAfter ? Number(totals.macsBefore) / Number(totals.macsAfter) : null)) : null,
        withWhatIf ? h('td', { class: 'num' }, factor(totals.msBefore !== null && totals.msAfter ? totals.msBefore / totals.msAfter : null)) : null,
        h('td'), h('td'));
      replace(results, h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Whole-model run timings' },
        h('table', { class: 'comparison', id: 'model-run-table' },
          h('caption', {}, `Median time per layer${flavour ? ` with ${flavour}` : ''}. The counted ratio is MACs as written / MACs as transformed; the measured speedup is time as written / time as transformed.`),
          h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, ...rows.map((r) => row(r, withWhatIf)), total))));
      const short = rows.filter((r) => r.shortfall);
      replace(flags, ...short.map((r) => h('li', { 'data-layer': r.name }, `${r.name}: measured ${factor(r.measured)} for ${factor(r.counted)} fewer MACs. ${r.shortfall}`)));
    },
    clear() {
      replace(results);
      replace(flags);
      bar.value = 0;
    },
  };
}
