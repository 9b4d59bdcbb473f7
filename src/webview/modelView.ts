/**
 * The model view page: a whole model's totals, where its compute goes, its layers, the
 * model-wide what-if (worked out by the extension's analysis worker, never here) and a sandbox
 * run of every layer in a Web Worker. Every message from the host is validated before use.
 */
import { ModelHostMessage, ModelPageMessage, ModelPanelState, WireModel, WireWhatIf, parseModelHostMessage, parseModelPanelState } from '../protocol/modelView';
import { DEFAULT_MEMORY_BUDGET_MB, ModelRunLayerResult, isSandboxHostMessage, parseSandboxSettings } from '../protocol/sandbox';
import { h, replace } from './dom';
import { breakdownFigure, Metric } from './model-view/chartView';
import { Sort, SortKey, big, maxDepth, rows } from './model-view/data';
import { MODEL_TIMING, modelRunRequest, notRunnable, runRows, runTotals } from './model-view/run';
import { runView } from './model-view/runView';
import { layerTable } from './model-view/tableView';
import { totalsTable } from './model-view/totalsView';
import { DEFAULT_CONTROLS, WhatIfControls, planOf, whatIfView } from './model-view/whatIfView';
import { RunEnd, SandboxClient, filesBesideScript } from './sandbox/client';
import { startPage } from './page';
import { FLAVOUR_LABELS } from './sandbox/model';
import { vscodeApi } from './vscodeApi';

/** The page's saved state: what the host restores after a window reload (ModelPanelState), and the page's own settings. */
interface Saved extends ModelPanelState {
  controls: WhatIfControls;
  sort: Sort;
  filter: string;
  depth: number;
  metric: Metric;
}

const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src ?? new URL('dist/webview/modelView.js', document.baseURI).toString();
const api = vscodeApi<ModelPageMessage>();
const DEFAULT_SAVED: Saved = { target: null, controls: DEFAULT_CONTROLS, sort: { key: 'order', descending: false }, filter: '', depth: 1, metric: 'macs' };
let saved: Saved = readSaved(api.getState());
let model: WireModel | null = null;
let whatIf: { seq: number; result: WireWhatIf | null; pending: boolean; error: string | null } = { seq: 0, result: null, pending: false, error: null };
let whatIfTimer: ReturnType<typeof setTimeout> | undefined;
let budgetMB = DEFAULT_MEMORY_BUDGET_MB;
const runResults = new Map<string, ModelRunLayerResult>();
let runFlavour: string | null = null;
let runKey: string | null = null;
const client = new SandboxClient(filesBesideScript(scriptUrl));

function readSaved(state: unknown): Saved {
  if (typeof state !== 'object' || state === null) return DEFAULT_SAVED;
  const s = state as Partial<Saved>;
  const controls = { ...DEFAULT_CONTROLS, ...(typeof s.controls === 'object' && s.controls ? s.controls : {}) };
  if (!Array.isArray(controls.excluded) || !controls.excluded.every((e) => typeof e === 'string')) controls.excluded = [];
  const panel = parseModelPanelState(state);
  return {
    target: panel.ok ? panel.value.target : null,
    controls,
    sort: s.sort && typeof s.sort.key === 'string' ? { key: s.sort.key, descending: Boolean(s.sort.descending) } : DEFAULT_SAVED.sort,
    filter: typeof s.filter === 'string' ? s.filter : '',
    depth: typeof s.depth === 'number' && s.depth >= 1 && s.depth <= 12 ? Math.floor(s.depth) : 1,
    metric: s.metric === 'params' ? 'params' : 'macs',
  };
}

function save(patch: Partial<Saved>): void {
  saved = { ...saved, ...patch };
  api.setState(saved);
}

const root = document.getElementById('root') ?? document.body;
const title = h('h1', {}, 'Conv Lens: model view');
const picker = h('select', { id: 'model-picker', 'aria-label': 'Model' });
picker.addEventListener('change', () => api.postMessage({ type: 'selectModel', entry: picker.value }));
const source = h('span', { id: 'model-source', class: 'hint' });
const status = h('div', { id: 'status', role: 'status', 'aria-live': 'polite', class: 'status' });
const notes = h('ul', { id: 'model-notes', class: 'notes' });
const totalsSlot = h('div', { id: 'totals-slot' });
const chartSlot = h('div', { id: 'chart-slot' });
const tableSlot = h('div', { id: 'table-slot' });
const depthSelect = h('select', { id: 'depth', 'aria-label': 'Module depth' });
depthSelect.addEventListener('change', () => { save({ depth: Number(depthSelect.value) }); render(); });
const metricSelect = h('select', { id: 'metric', 'aria-label': 'Figure' }, h('option', { value: 'macs' }, 'MACs'), h('option', { value: 'params' }, 'Parameters'));
metricSelect.addEventListener('change', () => { save({ metric: metricSelect.value === 'params' ? 'params' : 'macs' }); render(); });
const filterInput = h('input', { type: 'text', id: 'filter', placeholder: 'Filter by name, type or kind', 'aria-label': 'Filter layers by name, type or kind' });
filterInput.addEventListener('input', () => { save({ filter: filterInput.value }); renderTable(); });
const whatIfSection = whatIfView((patch) => {
  save({ controls: { ...saved.controls, ...patch } });
  requestWhatIf();
  render();
}, () => {
  const planned = planOf(saved.controls);
  if (!planned.ok || !planned.plan) return;
  whatIfSection.setStatus('Applying the what-if to the code…');
  api.postMessage({ type: 'apply', plan: planned.plan });
});
const run = runView({ run: startRun, cancel: () => client.cancel() });
const empty = h('p', { id: 'empty', class: 'empty' }, 'Waiting for a model…');
const content = h('main', { id: 'content', hidden: true },
  h('section', { 'aria-labelledby': 'totals-title' }, h('h2', { id: 'totals-title' }, 'Totals'), totalsSlot),
  whatIfSection.element,
  h('section', { 'aria-labelledby': 'chart-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'chart-title' }, 'Where the compute goes'),
      h('span', { class: 'chart-options' }, h('label', { for: 'metric' }, 'Figure '), metricSelect, ' ', h('label', { for: 'depth' }, 'Depth '), depthSelect)),
    chartSlot),
  h('section', { 'aria-labelledby': 'layers-title' }, h('h2', { id: 'layers-title' }, 'Layers'), filterInput, tableSlot),
  run.element);
replace(root,
  h('header', { class: 'page-head' }, h('div', { class: 'title' }, title, source), picker),
  status, notes, empty, content);
filterInput.value = saved.filter;
run.setState('unavailable', 'Waiting for a model…');

window.addEventListener('pagehide', () => client.dispose());
startPage(api, { parse: parseModelHostMessage, handle, other: sandboxSettings });

/** The sandbox's settings message (its memory budget); true when `data` was one. */
function sandboxSettings(data: unknown): boolean {
  if (!isSandboxHostMessage(data)) return false;
  const parsed = parseSandboxSettings(data);
  if (parsed.ok) budgetMB = parsed.value.memoryBudgetMB;
  return true;
}

function handle(message: ModelHostMessage): void {
  switch (message.type) {
    case 'showModel': {
      const key = `${message.model.uri}#${message.model.entry}`;
      if (runKey !== null && runKey !== key) resetRun();
      runKey = key;
      model = message.model;
      save({ target: { uri: model.uri, entry: model.entry } });
      requestWhatIf(0);
      return render();
    }
    case 'noModel':
      model = null;
      empty.textContent = message.reason;
      return render();
    case 'whatIfResult':
      if (message.seq !== whatIf.seq) return undefined;
      whatIf = { ...whatIf, result: message.result, pending: false, error: null };
      return render();
    case 'whatIfFailed':
      if (message.seq !== whatIf.seq) return undefined;
      whatIf = { ...whatIf, result: null, pending: false, error: message.message };
      return render();
    case 'applyResult':
      return whatIfSection.setStatus(message.message, message.ok ? 'ok' : 'failed');
  }
}

/** Asks the host for the what-if of the current controls (debounced while typing). */
function requestWhatIf(delay = 150): void {
  clearTimeout(whatIfTimer);
  const planned = planOf(saved.controls);
  if (!model || !planned.ok || !planned.plan) {
    whatIf = { seq: whatIf.seq + 1, result: null, pending: false, error: null };
    return;
  }
  const plan = planned.plan;
  whatIf = { ...whatIf, seq: whatIf.seq + 1, pending: true };
  const seq = whatIf.seq;
  whatIfTimer = setTimeout(() => api.postMessage({ type: 'whatIf', seq, plan }), delay);
}

function render(): void {
  content.hidden = model === null;
  empty.hidden = model !== null;
  document.body.dataset.whatif = whatIf.pending ? 'pending' : whatIf.result ? 'ready' : 'none';
  if (!model) {
    run.setState('unavailable', 'No model.');
    return;
  }
  title.textContent = `Model view: ${model.entry}`;
  source.textContent = `${model.label} · input ${model.input ? `[${model.input.join(', ')}]` : 'unknown'}${model.inputSource ? ` (from ${model.inputSource === 'option' ? 'the input shape set for this file' : model.inputSource})` : ''}`;
  replace(picker, ...model.entries.map((e) => h('option', { value: e }, e)));
  picker.value = model.entry;
  picker.hidden = model.entries.length < 2;
  replace(notes, ...model.notes.map((n) => h('li', {}, n)));
  replace(totalsSlot, totalsTable(model.totals, whatIf.result?.totals ?? null));
  whatIfSection.update(saved.controls, whatIf);
  const depth = Math.min(saved.depth, maxDepth(model.layers));
  replace(depthSelect, ...Array.from({ length: maxDepth(model.layers) }, (_, i) => h('option', { value: String(i + 1) }, String(i + 1))));
  depthSelect.value = String(depth);
  metricSelect.value = saved.metric;
  replace(chartSlot, breakdownFigure(model.layers, model.modules, depth, saved.metric, saved.metric === 'macs' ? big(model.totals.macs.value) : big(model.totals.params.value)));
  renderTable();
  renderRun();
}

function renderTable(): void {
  if (!model) return;
  const active = planOf(saved.controls);
  replace(tableSlot, layerTable({
    rows: rows(model.layers, whatIf.result),
    filter: saved.filter,
    sort: saved.sort,
    totalMacs: big(model.totals.macs.value),
    excluded: active.ok && active.plan ? new Set(saved.controls.excluded) : null,
  }, {
    reveal: (name) => api.postMessage({ type: 'revealLayer', name }),
    sort: (key: SortKey) => {
      save({ sort: { key, descending: saved.sort.key === key ? !saved.sort.descending : key === 'params' || key === 'macs' } });
      renderTable();
      (tableSlot.querySelector(`button[data-sort="${key}"]`) as HTMLButtonElement | null)?.focus();
    },
    toggleLayer: (name, included) => {
      const excluded = new Set(saved.controls.excluded);
      if (included) excluded.delete(name);
      else excluded.add(name);
      save({ controls: { ...saved.controls, excluded: [...excluded] } });
      requestWhatIf();
      render();
      (tableSlot.querySelector(`tr[data-layer="${CSS.escape(name)}"] input`) as HTMLInputElement | null)?.focus();
    },
  }));
}

function renderRun(): void {
  if (!model) return;
  if (client.running) return;
  const skipped = notRunnable(model.layers);
  if (runResults.size === 0) {
    const ready = model.layers.length - skipped.length;
    run.setState(ready > 0 ? 'idle' : 'unavailable', ready > 0
      ? `Ready to run ${ready} conv layers${whatIf.result ? ` as written and ${whatIf.result.layers.length} as transformed` : ''}.${skipped.length ? ` ${skipped.length} cannot run: ${skipped[0].name}: ${skipped[0].reason}` : ''}`
      : 'No conv layer with a known input shape to run.');
  }
}

function showRun(): void {
  if (!model) return;
  const withWhatIf = whatIf.result !== null && [...runResults.keys()].some((k) => k.startsWith('what-if:'));
  const table = runRows(model.layers, withWhatIf ? whatIf.result : null, runResults);
  run.show(table, runTotals(table, withWhatIf), withWhatIf, runFlavour);
}

function resetRun(): void {
  if (client.running) client.cancel();
  runResults.clear();
  runFlavour = null;
  run.clear();
}

function startRun(): void {
  if (!model || client.running) return;
  resetRun();
  const request = modelRunRequest(model.layers, whatIf.result, budgetMB, MODEL_TIMING);
  if (request.layers.length === 0) return run.setState('unavailable', 'No conv layer with a known input shape to run.');
  run.setState('running', 'Starting the sandbox…');
  let shown = 0;
  void client.runModel(request, (done, total, label) => run.progress(done, total, label), (layer) => {
    runResults.set(layer.id, layer);
    // Redraw the table every few layers, not on each one, so a long run stays light.
    if (++shown % 4 === 0) showRun();
  }).then(finish);
}

function finish(end: RunEnd): void {
  switch (end.type) {
    case 'modelDone':
      runFlavour = FLAVOUR_LABELS[end.flavour];
      showRun();
      return run.setState('done', `Done: ${runResults.size} layer runs.`);
    case 'cancelled':
      showRun();
      return run.setState('cancelled', `Cancelled after ${runResults.size} layer runs; what was measured is shown.`);
    case 'failed':
      showRun();
      return run.setState('failed', `The run failed: ${end.message}`);
    default:
      return run.setState('failed', 'The sandbox gave an unexpected answer.');
  }
}
