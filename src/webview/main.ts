/**
 * The comparison page. It receives one layer from the host, recomputes every variant with the
 * pure core as the what-if controls change, and asks the host to write a chosen variant back.
 * Every message from the host is validated before anything acts on it.
 */
import { Dtype, humanize, torchRepr, validGroups } from '../core';
import { HostMessage, SourceLocation, decodeInts, decodeSpec, parseHostMessage } from '../protocol/compare';
import { h, replace } from './dom';
import { ApplyAction, applyAction } from './model/apply';
import { barChart, curveChart, wantsLogScale } from './model/charts';
import { groupsLayout, matrixLayout } from './model/connectivityLayout';
import { groupsCurve } from './model/groupsCurve';
import { layerNotes } from './model/notes';
import { SavedState, readSavedState } from './model/savedState';
import { startPage } from './page';
import { createSandbox } from './sandbox';
import { Comparison, compareVariants } from './model/variants';
import { BaseLayer, ControlName, Controls, WhatIf, controlsFromLayer, evaluateControls, parseIntegers } from './model/whatIf';
import { barChartFigure, curveChartFigure } from './view/charts';
import { groupsFigure, matrixFigure } from './view/connectivity';
import { createControls } from './view/controls';
import { comparisonTable } from './view/table';
import { vscodeApi } from './vscodeApi';

interface Layer {
  base: BaseLayer;
  source: SourceLocation | null;
  key: string;
}

const api = vscodeApi();
let state: SavedState = readSavedState(api.getState());
let layer: Layer | null = null;
let controls: Controls | null = null;
let actions = new Map<string, ApplyAction>();
let lastWhatIf: WhatIf | null = null;
let renderQueued = false;

const root = document.getElementById('root') ?? document.body;
const sourceButton = h('button', { type: 'button', class: 'link', id: 'source', disabled: true }, 'No layer');
sourceButton.addEventListener('click', () => api.postMessage({ type: 'revealSource' }));
const followBox = h('input', { type: 'checkbox', id: 'follow' });
followBox.addEventListener('change', () => {
  save({ follow: followBox.checked });
  api.postMessage({ type: 'setFollow', follow: followBox.checked });
});
const repr = h('code', { id: 'repr', class: 'repr' });
const status = h('div', { id: 'status', role: 'status', 'aria-live': 'polite', class: 'status' });
const errorBox = h('div', { id: 'error', role: 'alert', class: 'error', hidden: true });
const notesBox = h('ul', { id: 'notes', class: 'notes' });
const controlsView = createControls({
  change(name: ControlName, value: string) {
    if (!controls) return;
    controls = { ...controls, [name]: value };
    save({ controls, layerKey: layer?.key ?? null });
    scheduleRender();
  },
  dtype(value: Dtype) {
    save({ dtype: value });
    scheduleRender();
  },
  reset() {
    if (!layer) return;
    controls = controlsFromLayer(layer.base);
    save({ controls, layerKey: layer.key });
    scheduleRender();
  },
});
const logBox = h('input', { type: 'checkbox', id: 'log-bars' });
logBox.addEventListener('change', () => {
  save({ logBars: logBox.checked });
  scheduleRender();
});
const tableSlot = h('div', { id: 'table-slot' });
const chartsSlot = h('div', { id: 'charts-slot', class: 'charts' });
const connectivitySlot = h('div', { id: 'connectivity-slot', class: 'charts' });
const sandbox = createSandbox();
const content = h('main', { id: 'content', hidden: true },
  h('section', { 'aria-labelledby': 'controls-title' }, h('h2', { id: 'controls-title' }, 'What if'), controlsView.element, errorBox, notesBox),
  h('section', { 'aria-labelledby': 'table-title' }, h('h2', { id: 'table-title' }, 'Side by side'), tableSlot),
  h('section', { 'aria-labelledby': 'charts-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'charts-title' }, 'Cost'),
      h('label', { class: 'toggle' }, logBox, ' Log scale for bars')),
    chartsSlot),
  h('section', { 'aria-labelledby': 'connectivity-title' }, h('h2', { id: 'connectivity-title' }, 'Which inputs each output sees'), connectivitySlot),
  sandbox.element);
const empty = h('p', { id: 'empty', class: 'empty' }, 'Waiting for a layer…');

replace(root,
  h('header', { class: 'page-head' },
    h('div', { class: 'title' }, h('h1', {}, 'Conv Lens: compare'), sourceButton),
    h('label', { class: 'toggle' }, followBox, ' Follow cursor')),
  repr, status, empty, content);
followBox.checked = state.follow;

window.addEventListener('resize', scheduleRender);
startPage(api, { parse: parseHostMessage, handle, other: (data) => sandbox.receiveHostMessage(data) });
// After a reload the host learns the follow setting from the serializer; say it again in case it did not.
if (state.follow) api.postMessage({ type: 'setFollow', follow: true });

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'showLayer': {
      const spec = decodeSpec(message.layer.spec);
      const base: BaseLayer = { spec, input: message.layer.input ? decodeInts(message.layer.input) : null };
      const source = message.layer.source;
      const key = `${source?.uri ?? ''}#${torchRepr(spec)}#${base.input?.join(',') ?? ''}`;
      const moved = layer?.source?.uri !== source?.uri || layer?.source?.line !== source?.line;
      layer = { base, source, key };
      // What-if values survive a reload (or a re-send of the same layer), not a different layer.
      controls = state.controls && state.layerKey === key ? state.controls : controlsFromLayer(base);
      save({ controls, layerKey: key, target: source ? { uri: source.uri, line: source.line, column: source.column } : state.target });
      // An "Applied" message stays while the panel re-reads the edited layer in place.
      if (moved) setStatus('');
      render();
      break;
    }
    case 'noLayer':
      layer = null;
      controls = null;
      empty.textContent = message.reason;
      render();
      break;
    case 'applyResult':
      setStatus(message.message, message.ok ? 'ok' : 'failed');
      break;
  }
}

function save(patch: Partial<SavedState>): void {
  state = { ...state, ...patch };
  api.setState(state);
}

function setStatus(text: string, kind: 'ok' | 'failed' | 'info' = 'info'): void {
  status.textContent = text;
  status.dataset.kind = kind;
}

function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function render(): void {
  content.hidden = layer === null;
  empty.hidden = layer !== null;
  if (!layer || !controls) {
    sourceButton.textContent = 'No layer';
    sourceButton.disabled = true;
    repr.textContent = '';
    return;
  }
  sourceButton.textContent = layer.source ? layer.source.label : 'Not from a file';
  sourceButton.disabled = layer.source === null;
  const whatIf = evaluateControls(layer.base, controls);
  lastWhatIf = whatIf;
  const changed = whatIf.ok ? whatIf.changed.length > 0 : true;
  repr.textContent = whatIf.ok ? torchRepr(whatIf.spec) : torchRepr(layer.base.spec);
  errorBox.hidden = whatIf.ok;
  errorBox.textContent = whatIf.ok ? '' : whatIf.message;
  document.body.dataset.valid = String(whatIf.ok);
  // The record lists the valid groups values once; the controls and the charts read that list.
  const comparison = whatIf.ok ? compareVariants(whatIf.spec, whatIf.input, state.dtype, changed) : null;
  const groupsOffered = comparison ? { values: comparison.record.valid_groups, complete: comparison.record.valid_groups_complete } : offeredGroups(controls);
  controlsView.update(controls, groupsOffered.values, groupsOffered.complete, whatIf.ok ? null : whatIf.field, state.dtype, changed);
  // An invalid what-if keeps the last figures on screen, dimmed, with PyTorch's reason above them.
  content.classList.toggle('stale', !whatIf.ok);
  if (whatIf.ok && comparison) renderFigures(whatIf, comparison);
  else for (const button of tableSlot.querySelectorAll('button')) button.disabled = true;
}

/** For an invalid what-if: the groups values valid for the channel counts typed, when they parse. */
function offeredGroups(values: Controls): { values: bigint[]; complete: boolean } {
  const cin = parseIntegers(values.in_channels);
  const cout = parseIntegers(values.out_channels);
  if (cin?.length === 1 && cout?.length === 1 && cin[0] > 0n && cout[0] > 0n) return validGroups(cin[0], cout[0]);
  return { values: [], complete: true };
}

function renderFigures(whatIf: Extract<WhatIf, { ok: true }>, comparison: Comparison): void {
  actions = new Map(comparison.variants.map((v) => [v.id, applyAction(v, whatIf, layer?.source ? layer.base.spec : null)]));
  replace(notesBox, ...[...layerNotes(comparison.record, whatIf.inputAssumed), ...(comparison.separableNote ? [comparison.separableNote] : [])].map((n) => h('li', {}, n)));
  replace(tableSlot, comparisonTable(comparison.variants, actions, apply));
  sandbox.setLayer(whatIf.spec, whatIf.input, comparison.variants.map((v) => ({ id: v.id, title: v.title, groups: v.groups })));

  const barBox = { width: 420, height: 220, margin: { left: 52, right: 12, top: 26, bottom: 24 } };
  const datum = (value: (v: (typeof comparison.variants)[number]) => bigint | null) =>
    comparison.variants.map((v) => ({ label: chartLabel(v.title), value: value(v), current: v.current }));
  // Until the user picks, bars go on a log scale when a linear one would hide the small ones.
  const logBars = state.logBars ?? wantsLogScale(comparison.variants.map((v) => v.params));
  logBox.checked = logBars;
  const curve = groupsCurve(comparison.record);
  // The curve takes the width the panel has (between 360 and 900 pixels), so its labels stay legible.
  const curveWidth = Math.round(Math.max(360, Math.min(900, chartsSlot.clientWidth || 860)));
  const curveBox = { width: curveWidth, height: 260, margin: { left: 56, right: 16, top: 24, bottom: 34 } };
  replace(chartsSlot,
    barChartFigure('chart-params', 'Parameters per variant', 'params', barChart(datum((v) => v.params), barBox, logBars, humanize)),
    barChartFigure('chart-macs', 'MACs per variant', 'MACs', barChart(datum((v) => v.macs), barBox, logBars, humanize)),
    curveChartFigure('chart-groups', curveTitle(curve.length, comparison.record.valid_groups_count ?? BigInt(comparison.record.valid_groups.length)), curveChart([
      { name: 'params', values: curve.map((p) => ({ groups: p.groups, value: p.params, current: p.current })) },
      { name: 'MACs', values: curve.map((p) => ({ groups: p.groups, value: p.macs, current: p.current })) },
    ], curveBox)));
  replace(connectivitySlot, matrixFigure(matrixLayout(whatIf.spec)), groupsFigure(groupsLayout(whatIf.spec)));
}

function apply(id: string): void {
  const action = actions.get(id);
  if (!action?.ok || !lastWhatIf?.ok) return;
  setStatus(`Applying: ${action.summary}…`);
  api.postMessage({ type: 'apply', request: action.request });
}

/** `valid` counts every valid value, listed or not: past 1,024 the record lists only some of them. */
function curveTitle(shown: number, valid: bigint): string {
  return BigInt(shown) === valid ? `Parameters and MACs at every valid groups value (${shown})` : `Parameters and MACs at ${shown} of the ${humanize(valid)} valid groups values`;
}

function chartLabel(title: string): string {
  return title === 'Depthwise-separable' ? 'Separable' : title.endsWith(' (dense)') ? title.slice(0, -' (dense)'.length) : title;
}
