import * as vscode from 'vscode';
import { WireModel } from '../../protocol/modelView';
import { ConvLensContext } from '../context';
import { isPython } from '../documents';
import { ModelViewPanel } from './panel';

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
  const panel = ModelViewPanel.create(ctx, target);
  current = panel;
  panel.onDidDispose(() => {
    if (current === panel) current = undefined;
  });
  return panel.refreshAndWait();
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

export function disposeModelView(): void {
  current?.dispose();
}
