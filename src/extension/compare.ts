import * as vscode from 'vscode';
import { ConvLensContext } from './context';
import { LayerTarget, layerTarget } from './links';
import { openComparePanel } from './panel';
import { checkedLayerTarget } from './targets';

/**
 * The target of Compare Layer: the given location when it is a conv layer of an open document's
 * current analysis (hover links and lenses give one), else the declaration under the cursor.
 */
export async function compareTarget(ctx: ConvLensContext, target?: unknown): Promise<{ ok: true; target: LayerTarget } | { ok: false; message: string }> {
  if (target !== undefined && target !== null) {
    const checked = await checkedLayerTarget(ctx, target);
    return checked.ok ? { ok: true, target: checked.value.target } : { ok: false, message: `Conv Lens: cannot compare that layer: ${checked.message}.` };
  }
  const editor = vscode.window.activeTextEditor;
  const view = editor && await ctx.analyses.settled(editor.document);
  const cursor = editor && view ? view.toContract(editor.selection.active) : null;
  const declaration = view && cursor ? view.index.declarationAt(cursor.line, cursor.column) : null;
  return declaration && view ? { ok: true, target: layerTarget(view.owner, declaration.range) } : { ok: false, message: 'Conv Lens: put the cursor on a conv layer (e.g. nn.Conv2d(...)) to compare it.' };
}

/** Opens the comparison panel (src/extension/panel) on the given layer or the one under the cursor; false when refused. */
export async function compareLayer(ctx: ConvLensContext, target?: unknown): Promise<boolean> {
  const layer = await compareTarget(ctx, target);
  if (!layer.ok) {
    void vscode.window.showInformationMessage(layer.message);
    return false;
  }
  openComparePanel(ctx, layer.target);
  return true;
}
