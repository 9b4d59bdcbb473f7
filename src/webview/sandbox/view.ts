import { CheckResult, VariantResult } from '../../protocol/sandbox';
import { h, replace } from '../dom';
import { RESULT_ROWS, checkLine } from './model';

export type SandboxState = 'unavailable' | 'idle' | 'running' | 'done' | 'refused' | 'failed' | 'cancelled';

export interface SandboxView {
  element: HTMLElement;
  setState(state: SandboxState, status: string): void;
  progress(done: number, total: number, label: string): void;
  showResults(flavour: string, input: string, variants: readonly VariantResult[], checks: readonly CheckResult[]): void;
  /** Offers to run on a smaller input, or without the columns too large by themselves (named by title). */
  showSuggestion(shape: string[] | null, without: ReadonlyArray<{ id: string; title: string }>): void;
  clearResults(): void;
}

export interface SandboxActions {
  run(): void;
  cancel(): void;
  runSmaller(shape: string[]): void;
  runWithout(ids: string[]): void;
}

/** The sandbox section: Run and Cancel, a progress bar, a status line, the timings and the checks. */
export function sandboxView(actions: SandboxActions): SandboxView {
  const runButton = h('button', { type: 'button', id: 'sandbox-run' }, 'Run');
  const cancelButton = h('button', { type: 'button', id: 'sandbox-cancel', class: 'secondary', disabled: true }, 'Cancel');
  const bar = h('progress', { id: 'sandbox-progress', max: 1, value: 0, 'aria-label': 'Sandbox run progress' });
  const status = h('div', { id: 'sandbox-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const suggestion = h('div', { id: 'sandbox-suggestion' });
  const flavour = h('p', { id: 'sandbox-flavour', class: 'hint' });
  const results = h('div', { id: 'sandbox-results' });
  const checks = h('ul', { id: 'sandbox-checks', class: 'notes' });
  runButton.addEventListener('click', () => actions.run());
  cancelButton.addEventListener('click', () => actions.cancel());
  const element = h('section', { class: 'sandbox', id: 'sandbox', 'aria-labelledby': 'sandbox-title', 'data-state': 'idle' },
    h('h2', { id: 'sandbox-title' }, 'Sandbox run'),
    h('p', { class: 'hint' }, 'Runs every column above on random input with the built-in WebAssembly SIMD kernel, in a Web Worker (no file or network access), and times it on this machine.'),
    h('div', { class: 'sandbox-bar' }, runButton, ' ', cancelButton, ' ', bar),
    status, suggestion, flavour, results, checks);

  return {
    element,
    setState(state, text) {
      element.dataset.state = state;
      runButton.disabled = state === 'running' || state === 'unavailable';
      cancelButton.disabled = state !== 'running';
      status.textContent = text;
      status.dataset.kind = state === 'failed' || state === 'refused' ? 'failed' : state === 'done' ? 'ok' : 'info';
      if (state !== 'running') bar.value = state === 'done' ? bar.max : 0;
    },
    progress(done, total, label) {
      bar.max = total;
      bar.value = done;
      status.textContent = `${label}… (${done}/${total})`;
    },
    showResults(simd, input, variants, checkResults) {
      flavour.textContent = `Ran on ${input} with ${simd}.`;
      replace(results, resultsTable(variants));
      replace(checks, ...checkResults.map((c) => h('li', { 'data-check': c.id, 'data-passed': String(c.passed), 'data-skipped': String(c.skipped !== null) }, checkLine(c))));
    },
    showSuggestion(shape, without) {
      if (shape) {
        const button = h('button', { type: 'button', id: 'sandbox-run-smaller', class: 'secondary' }, `Run on ${shape.join('x')} instead`);
        button.addEventListener('click', () => actions.runSmaller(shape));
        return replace(suggestion, button);
      }
      if (without.length === 0) return replace(suggestion);
      const button = h('button', { type: 'button', id: 'sandbox-run-without', class: 'secondary' }, `Run without ${without.map((c) => c.title).join(', ')}`);
      button.addEventListener('click', () => actions.runWithout(without.map((c) => c.id)));
      replace(suggestion, button);
    },
    clearResults() {
      flavour.textContent = '';
      replace(results);
      replace(checks);
      replace(suggestion);
    },
  };
}

function resultsTable(variants: readonly VariantResult[]): HTMLElement {
  const head = h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Measure')),
    ...variants.map((v) => h('th', { scope: 'col', 'data-variant': v.id }, v.title)));
  const body = RESULT_ROWS.map((row) => h('tr', { 'data-row': row.label },
    h('th', { scope: 'row' }, row.label, row.unit ? h('span', { class: 'unit' }, row.unit) : null),
    ...variants.map((v) => {
      const mismatch = row.label.startsWith('Output shape') && v.producedOutput.join('x') !== v.predictedOutput.join('x');
      return h('td', { class: row.text ? 'text' : 'num', 'data-variant': v.id, 'data-mismatch': mismatch ? 'true' : null }, row.cell(v));
    })));
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Sandbox timings' },
    h('table', { class: 'comparison', id: 'sandbox-table' },
      h('caption', {}, 'Median of several timed runs after a warm-up. Speedup is dense time / this time; the MAC ratio is dense MACs / these MACs, as counted by the core.'),
      h('thead', {}, head), h('tbody', {}, ...body)));
}
