import * as vscode from 'vscode';
import { parseModelPanelState } from '../../protocol/modelView';
import { isPython } from '../documents';
import { openInEditorTab } from '../panel/panelHost';
import type { ModelTarget } from './panel';

interface Log {
  appendLine(line: string): void;
}

export type Restored = { ok: true; target: ModelTarget } | { ok: false; reason: string };

const RUN_AGAIN = 'Open a Python file with a model and run "Conv Lens: Open Model View".';

/**
 * Checks the state a model view page saved before a window reload. Saved state is only as
 * trustworthy as the page that wrote it, so it names a file the host reads only when that file
 * is open, analysed, or a Python file in the workspace; the model is checked once the file's
 * analysis arrives (the target is exact). Never throws: bad or stale state gives a reason.
 */
export async function restoredTarget(state: unknown, log: Log): Promise<Restored> {
  const parsed = parseModelPanelState(state);
  if (!parsed.ok) {
    log.appendLine(`[model view] restoring without saved state: ${parsed.error}`);
    return { ok: false, reason: `The model view could not read what it showed before the window reloaded. ${RUN_AGAIN}` };
  }
  const saved = parsed.value.target;
  if (!saved) return { ok: false, reason: RUN_AGAIN };
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(saved.uri, true);
  } catch {
    return { ok: false, reason: `The model view's saved file is not a valid address. ${RUN_AGAIN}` };
  }
  const document = await allowedDocument(uri, log);
  if (!document) return { ok: false, reason: `${basename(uri)} is not open, and not a Python file of this workspace, so the model view does not read it. ${RUN_AGAIN}` };
  return { ok: true, target: { document, entry: saved.entry, exact: true } };
}

/**
 * The document when it is open (the analysed ones are), shown in an editor tab, or a Python file
 * inside a workspace folder. A notebook (the owner a notebook's model view saves) stands for its
 * first Python cell: its cells are analysed together, and their own addresses change at a reload.
 */
async function allowedDocument(uri: vscode.Uri, log: Log): Promise<vscode.TextDocument | null> {
  const key = uri.toString();
  const notebook = await allowedNotebook(uri, log);
  if (notebook !== undefined) return notebook && firstPythonCell(notebook);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
  if (open) return isPython(open) ? open : null;
  const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined && uri.path.endsWith('.py') && !uri.path.split('/').includes('..');
  if (!inWorkspace && !openInEditorTab(key)) return null;
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    return isPython(document) ? document : null;
  } catch (e) {
    log.appendLine(`[model view] cannot open the saved file: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

/** The open or workspace notebook `uri` names: undefined when it names no notebook, null when one that may not be read or opened. */
async function allowedNotebook(uri: vscode.Uri, log: Log): Promise<vscode.NotebookDocument | null | undefined> {
  const key = uri.toString();
  const open = vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === key);
  if (open) return open;
  if (!uri.path.endsWith('.ipynb')) return undefined;
  const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined && !uri.path.split('/').includes('..');
  if (!inWorkspace && !openInEditorTab(key)) return null;
  try {
    return await vscode.workspace.openNotebookDocument(uri);
  } catch (e) {
    log.appendLine(`[model view] cannot open the saved notebook: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

function firstPythonCell(notebook: vscode.NotebookDocument): vscode.TextDocument | null {
  return notebook.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code && isPython(c.document))?.document ?? null;
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}
