import { DTYPES, Dtype } from '../../core';
import { PanelState, parsePanelState } from '../../protocol/compare';
import { CONTROL_NAMES, Controls } from './whatIf';

/**
 * What the page saves with vscode.setState: the host-readable PanelState (which layer, whether
 * the panel follows the cursor) plus the page's own view settings and what-if values.
 */
export interface SavedState extends PanelState {
  dtype: Dtype;
  /** Log scale for the bar charts: chosen by the user, or null to decide from the values. */
  logBars: boolean | null;
  /** What-if values, kept only for the layer they were typed for (`layerKey`). */
  controls: Controls | null;
  layerKey: string | null;
}

export const INITIAL_STATE: SavedState = { version: 1, target: null, follow: false, dtype: 'fp32', logBars: null, controls: null, layerKey: null };

/** Reads saved state defensively: anything unexpected falls back to the defaults field by field. */
export function readSavedState(data: unknown): SavedState {
  const panel = parsePanelState(data);
  if (!panel.ok) return { ...INITIAL_STATE };
  const o = data as Record<string, unknown>;
  const controls = readControls(o.controls);
  return {
    ...panel.value,
    dtype: (DTYPES as readonly unknown[]).includes(o.dtype) ? (o.dtype as Dtype) : 'fp32',
    logBars: typeof o.logBars === 'boolean' ? o.logBars : null,
    controls,
    layerKey: controls && typeof o.layerKey === 'string' ? o.layerKey : null,
  };
}

function readControls(value: unknown): Controls | null {
  if (typeof value !== 'object' || value === null) return null;
  const o = value as Record<string, unknown>;
  if (!CONTROL_NAMES.every((name) => typeof o[name] === 'string' && (o[name] as string).length <= 400)) return null;
  return Object.fromEntries(CONTROL_NAMES.map((name) => [name, o[name]])) as unknown as Controls;
}
