import * as vscode from 'vscode';
import { MODEL_VIEW_TYPE, WireModel } from '../../protocol/modelView';
import { ConvLensContext } from '../context';
import { isPython } from '../documents';
import { ModelViewPanel } from './panel';
import { restoredTarget } from './restore';

let current: ModelViewPanel | undefined;

/**
 * "Conv Lens: Open Model View": the model under the cursor, or the one named by the arguments
 * (a CodeLens gives the file and the model; the status bar and the Explorer view give the file).
 * Resolves with the model the page was sent, or null when there is none.
 */
export async function openModelView(ctx: ConvLensContext, owner?: unknown, entry?: unknown): Promise<WireModel | null> {
  const document = documentFor(owner);
  if (!document) {
    void vscode.window.showInformationMessage('Conv Lens: open a Python file with a model (an nn.Module) to see its model view.');
    return null;
  }
  const target = { document, entry: typeof entry === 'string' ? entry : null };
  if (current) return current.show(target);
  return track(ModelViewPanel.create(ctx, target)).refreshAndWait();
}

function track(panel: ModelViewPanel): ModelViewPanel {
  current = panel;
  panel.onDidDispose(() => {
    if (current === panel) current = undefined;
  });
  return panel;
}

/**
 * Brings the model view back after a window reload (the `onWebviewPanel:convLens.modelView`
 * activation event starts the extension for it). Nothing is read until VS Code restores a panel,
 * and then only what restoredTarget accepts; disposing this also closes the open model view.
 */
export function registerModelView(ctx: ConvLensContext): vscode.Disposable {
  const serializer = vscode.window.registerWebviewPanelSerializer(MODEL_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      const restored = await restoredTarget(state, ctx.log).catch((e: unknown) => ({ ok: false as const, reason: `The model view could not be restored: ${e instanceof Error ? e.message : String(e)}` }));
      current?.dispose();
      track(restored.ok ? new ModelViewPanel(panel, ctx, restored.target) : new ModelViewPanel(panel, ctx, null, restored.reason));
    },
  });
  return vscode.Disposable.from(serializer, { dispose: () => current?.dispose() });
}

/** An open Python document named by a URI string, else the active editor's (a command link never opens a file). */
function documentFor(owner: unknown): vscode.TextDocument | null {
  if (typeof owner === 'string') {
    const named = vscode.workspace.textDocuments.find((d) => d.uri.toString() === owner && isPython(d));
    if (named) return named;
  }
  const active = vscode.window.activeTextEditor?.document;
  return active && isPython(active) ? active : null;
}
