import { DTYPES, Dtype, groupChoices, withCommas } from '../../core';
import { h } from '../dom';
import { CONTROL_NAMES, ControlName, Controls, label } from '../model/whatIf';

export interface ControlsView {
  element: HTMLElement;
  /** Shows values without stealing focus or the caret from the field being typed in. */
  update(controls: Controls, validGroups: readonly bigint[], complete: boolean, invalidField: ControlName | null, dtype: Dtype, changed: boolean): void;
}

export interface ControlsEvents {
  change(name: ControlName, value: string): void;
  dtype(value: Dtype): void;
  reset(): void;
}

const HINTS: Partial<Record<ControlName, string>> = {
  kernel_size: 'One size, or one per dimension: 3 or 3, 5',
  stride: 'One step, or one per dimension',
  dilation: 'One factor, or one per dimension',
  input: 'Spatial size: 56 or 28, 56',
};

/** Options beyond this many are left out of the groups list (the curve chart still has them all). */
const MAX_GROUP_OPTIONS = 400;

export function createControls(events: ControlsEvents): ControlsView {
  const inputs = new Map<ControlName, HTMLInputElement>();
  const groups = h('select', { id: 'control-groups', 'aria-describedby': 'control-groups-hint' });
  groups.addEventListener('change', () => events.change('groups', groups.value));
  const fields = CONTROL_NAMES.map((name) => {
    const id = `control-${name}`;
    const hintId = `${id}-hint`;
    if (name === 'groups') {
      return h('div', { class: 'field' }, h('label', { for: id }, label(name)), groups, h('span', { id: hintId, class: 'hint' }, 'Only values PyTorch accepts'));
    }
    const input = h('input', { id, type: 'text', inputmode: 'numeric', spellcheck: 'false', autocomplete: 'off', 'aria-describedby': HINTS[name] ? hintId : null });
    input.addEventListener('input', () => events.change(name, input.value));
    inputs.set(name, input);
    return h('div', { class: 'field' }, h('label', { for: id }, label(name)), input, HINTS[name] ? h('span', { id: hintId, class: 'hint' }, HINTS[name]!) : null);
  });
  const dtype = h('select', { id: 'control-dtype' }, ...DTYPES.map((d) => h('option', { value: d }, d)));
  dtype.addEventListener('change', () => events.dtype(dtype.value as Dtype));
  const reset = h('button', { type: 'button', id: 'control-reset', class: 'secondary' }, 'Reset to code');
  reset.addEventListener('click', () => events.reset());
  const element = h('form', { class: 'controls', 'aria-label': 'What-if controls' },
    ...fields,
    h('div', { class: 'field' }, h('label', { for: 'control-dtype' }, 'Element type'), dtype, h('span', { class: 'hint' }, 'For memory figures')),
    h('div', { class: 'field actions' }, reset));
  element.addEventListener('submit', (e) => e.preventDefault());

  return {
    element,
    update(controls, valid, complete, invalidField, dtypeValue, changed) {
      for (const [name, input] of inputs) {
        if (input.value !== controls[name] && document.activeElement !== input) input.value = controls[name];
        input.setAttribute('aria-invalid', String(invalidField === name));
      }
      fillGroups(groups, controls.groups, valid, complete);
      groups.setAttribute('aria-invalid', String(invalidField === 'groups'));
      dtype.value = dtypeValue;
      reset.disabled = !changed;
    },
  };
}

function fillGroups(select: HTMLSelectElement, current: string, valid: readonly bigint[], complete: boolean): void {
  const shown = groupChoices(valid, /^\d+$/.test(current) ? BigInt(current) : null, MAX_GROUP_OPTIONS);
  const values = shown.map((g) => g.toString());
  const invalid = !values.includes(current);
  const signature = `${values.join(',')}|${invalid ? current : ''}|${complete}`;
  if (select.dataset.signature !== signature) {
    const options = shown.map((g) => h('option', { value: g.toString() }, withCommas(g)));
    // A groups value that the channel counts do not allow stays visible, marked, so the
    // error below it has something to point at.
    if (invalid && current !== '') options.unshift(h('option', { value: current }, `${current} (not valid)`));
    select.replaceChildren(...options);
    select.dataset.signature = signature;
  }
  select.value = current;
}
