import * as vscode from 'vscode';
import { ConvLensContext } from './context';
import { LayerTarget, layerTarget } from './links';
import { openComparePanel } from './panel';

/** The target of Compare Layer: the given location, else the conv declaration under the cursor. */
export async function compareTarget(ctx: ConvLensContext, target?: unknown): Promise<LayerTarget | null> {
  if (isLayerTarget(target)) return target;
  const editor = vscode.window.activeTextEditor;
  const view = editor && await ctx.analyses.settled(editor.document);
  if (!editor || !view) return null;
  const { line, column } = view.toContract(editor.selection.active);
  const declaration = view.index.declarationAt(line, column);
  return declaration ? layerTarget(view.owner, declaration.range) : null;
}

export function isLayerTarget(value: unknown): value is LayerTarget {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.uri === 'string' && ['line', 'column', 'endLine', 'endColumn'].every((k) => typeof v[k] === 'number');
}

/** Opens the comparison panel (src/extension/panel) on the given layer or the one under the cursor. */
export async function compareLayer(ctx: ConvLensContext, target?: unknown): Promise<void> {
  const layer = await compareTarget(ctx, target);
  if (!layer) {
    void vscode.window.showInformationMessage('Conv Lens: put the cursor on a conv layer (e.g. nn.Conv2d(...)) to compare it.');
    return;
  }
  openComparePanel(ctx, layer);
}
