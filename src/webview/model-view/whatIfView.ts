import { WirePlan, WireTransformation, WireWhatIf } from '../../protocol/modelView';
import { h, replace } from '../dom';

/** The what-if controls as the user set them (kept in the page's saved state). */
export interface WhatIfControls {
  separable: boolean;
  groups: boolean;
  groupsValue: string;
  width: boolean;
  widthValue: string;
  widthDivisor: string;
  dropBias: boolean;
  /** Layers switched off (for every transformation). */
  excluded: string[];
}

export const DEFAULT_CONTROLS: WhatIfControls = { separable: false, groups: false, groupsValue: '2', width: false, widthValue: '0.75', widthDivisor: '8', dropBias: false, excluded: [] };

export type PlanOrError = { ok: true; plan: WirePlan | null } | { ok: false; message: string };

/** The plan the controls ask for (null when no transformation is on), or what is wrong with a value. */
export function planOf(c: WhatIfControls): PlanOrError {
  const transformations: WireTransformation[] = [];
  if (c.separable) transformations.push({ kind: 'separable' });
  if (c.groups) {
    const g = Number(c.groupsValue);
    if (!Number.isSafeInteger(g) || g < 1 || g > 1 << 20) return { ok: false, message: `groups must be a whole number from 1 (got '${c.groupsValue}').` };
    transformations.push({ kind: 'groups', groups: g });
  }
  if (c.width) {
    const m = Number(c.widthValue);
    const d = Number(c.widthDivisor);
    if (!Number.isFinite(m) || m <= 0 || m > 16) return { ok: false, message: `The width multiplier must be a number above 0 and at most 16 (got '${c.widthValue}').` };
    if (!Number.isSafeInteger(d) || d < 1 || d > 1024) return { ok: false, message: `The divisor must be a whole number from 1 to 1024 (got '${c.widthDivisor}').` };
    transformations.push({ kind: 'width', multiplier: m, divisor: d });
  }
  if (c.dropBias) transformations.push({ kind: 'dropBias' });
  if (transformations.length === 0) return { ok: true, plan: null };
  const excluded: WirePlan['excluded'] = {};
  if (c.excluded.length > 0) for (const t of transformations) excluded[t.kind] = [...c.excluded];
  return { ok: true, plan: { transformations, excluded } };
}

export interface WhatIfView {
  element: HTMLElement;
  update(controls: WhatIfControls, state: { result: WireWhatIf | null; pending: boolean; error: string | null }): void;
  setStatus(text: string, kind?: 'ok' | 'failed' | 'info'): void;
}

/** What Apply promises when it writes less than the what-if shows (its what-if-only layers stay as written). */
function promise(result: WireWhatIf): string {
  const only = new Set(result.changes.filter((ch) => ch.status === 'applied' && ch.blocked).map((ch) => ch.name)).size;
  if (only === 0) return '';
  const t = result.applyTotals;
  const n = (v: string | null): string => (v === null ? 'unknown' : BigInt(v).toLocaleString('en-US'));
  return ` Apply rewrites the rest (${only} layer${only === 1 ? '' : 's'} what-if only): ${n(t.convParams)} conv params, ${n(t.macs)} MACs after applying.`;
}

/** The what-if section: one switch per transformation, its values, Apply, and what PyTorch rejects. */
export function whatIfView(change: (patch: Partial<WhatIfControls>) => void, apply: () => void): WhatIfView {
  const box = (id: string, label: string, key: 'separable' | 'groups' | 'width' | 'dropBias'): { input: HTMLInputElement; label: HTMLElement } => {
    const input = h('input', { type: 'checkbox', id });
    input.addEventListener('change', () => change({ [key]: input.checked }));
    return { input, label: h('label', { class: 'toggle', for: id }, input, ` ${label}`) };
  };
  const field = (id: string, label: string, key: 'groupsValue' | 'widthValue' | 'widthDivisor', width: string): { input: HTMLInputElement; label: HTMLElement } => {
    const input = h('input', { type: 'text', id, inputmode: 'decimal', size: width, 'aria-label': label });
    input.addEventListener('change', () => change({ [key]: input.value.trim() }));
    return { input, label: input };
  };
  const separable = box('t-separable', 'Dense k×k convs → depthwise k×k + pointwise 1×1', 'separable');
  const groups = box('t-groups', 'groups =', 'groups');
  const groupsValue = field('t-groups-value', 'groups value', 'groupsValue', '4');
  const width = box('t-width', 'Channel width ×', 'width');
  const widthValue = field('t-width-value', 'width multiplier', 'widthValue', '5');
  const widthDivisor = field('t-width-divisor', 'rounded to a multiple of', 'widthDivisor', '3');
  const dropBias = box('t-dropBias', 'No bias on convs followed by a BatchNorm', 'dropBias');
  const applyButton = h('button', { type: 'button', id: 'apply' }, 'Apply to code');
  applyButton.addEventListener('click', apply);
  const status = h('div', { id: 'whatif-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const errors = h('div', { id: 'whatif-errors', class: 'error', role: 'alert', hidden: true });
  const rejected = h('ul', { id: 'whatif-rejected', class: 'notes' });
  const element = h('section', { id: 'whatif', 'aria-labelledby': 'whatif-title' },
    h('h2', { id: 'whatif-title' }, 'What if'),
    h('fieldset', { class: 'transformations' }, h('legend', {}, 'Apply to every eligible conv (switch layers off in the table below)'),
      h('div', {}, separable.label),
      h('div', {}, groups.label, ' ', groupsValue.label, h('span', { class: 'hint' }, ' where both channel counts divide by it')),
      h('div', {}, width.label, ' ', widthValue.label, ' rounded to a multiple of ', widthDivisor.label, h('span', { class: 'hint' }, ' as make_divisible does')),
      h('div', {}, dropBias.label)),
    h('div', { class: 'sandbox-bar' }, applyButton, h('span', { class: 'hint' }, ' One undoable edit; layers whose code cannot be rewritten safely are listed and left alone.')),
    status, errors, rejected);

  const view: WhatIfView = {
    element,
    update(c, state) {
      separable.input.checked = c.separable;
      groups.input.checked = c.groups;
      width.input.checked = c.width;
      dropBias.input.checked = c.dropBias;
      if (document.activeElement !== groupsValue.input) groupsValue.input.value = c.groupsValue;
      if (document.activeElement !== widthValue.input) widthValue.input.value = c.widthValue;
      if (document.activeElement !== widthDivisor.input) widthDivisor.input.value = c.widthDivisor;
      const planned = planOf(c);
      const result = state.result;
      const messages = [...(planned.ok ? [] : [planned.message]), ...(state.error ? [state.error] : []), ...(result?.errors ?? [])];
      errors.hidden = messages.length === 0;
      replace(errors, ...messages.map((m) => h('div', {}, m)));
      const rejections = result ? result.changes.filter((ch) => ch.status === 'rejected') : [];
      const blocked = result ? result.changes.filter((ch) => ch.blocked) : [];
      replace(rejected,
        ...rejections.map((r) => h('li', { 'data-layer': r.name, 'data-status': 'rejected' }, `${r.name} (${r.kind}): PyTorch would reject it: ${r.reason ?? ''}`)),
        ...blocked.map((r) => h('li', { 'data-layer': r.name, 'data-status': 'blocked' }, r.status === 'applied' ? `${r.name} (${r.kind}): what-if only: ${r.reason ?? ''}` : `${r.name} (${r.kind}): left alone by Apply: ${r.reason ?? ''}`)),
        ...(result?.notes ?? []).map((n) => h('li', { 'data-status': 'note' }, `Also changed: ${n}`)));
      applyButton.disabled = !planned.ok || planned.plan === null || state.pending || result === null || result.errors.length > 0 || result.edits === 0;
      if (state.pending) view.setStatus('Working out the what-if in the analysis worker…');
      else if (result && planned.ok && planned.plan) {
        const count = (s: string): number => new Set(result.changes.filter((ch) => ch.status === s).map((ch) => ch.name)).size;
        view.setStatus(`${count('applied')} layers changed, ${count('ineligible')} not eligible, ${count('excluded')} switched off, ${count('rejected')} rejected.${promise(result)}`);
      } else if (!planned.ok || !planned.plan) view.setStatus('');
    },
    setStatus(text, kind = 'info') {
      status.textContent = text;
      status.dataset.kind = kind;
    },
  };
  return view;
}
