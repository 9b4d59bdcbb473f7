// Helpers for API-level editor tests (they run inside the real extension host).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** publisher.name from package.json. */
export const extensionId = 'conv-lens.conv-lens';

/** Activates Conv Lens and returns it; call it in before()/suiteSetup() so no provider call races activation. */
export async function activateConvLens(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(extensionId);
  assert.ok(extension, `extension ${extensionId} is not loaded`);
  await extension.activate();
  return extension;
}

/** A file of the fixture workspace (a fresh copy of test/vscode/workspace for each run). */
export function workspaceFile(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test run opened no workspace folder');
  return vscode.Uri.joinPath(folder.uri, relativePath);
}

/** Opens a fixture file in an editor and returns that editor. */
export async function openWorkspaceFile(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(relativePath));
  return vscode.window.showTextDocument(document);
}

/** The position of the first occurrence of `text` in a document (offset `within` characters into it). */
export function positionOf(document: vscode.TextDocument, text: string, within = 0): vscode.Position {
  const offset = document.getText().indexOf(text);
  assert.ok(offset >= 0, `"${text}" does not occur in ${document.uri.path}`);
  return document.positionAt(offset + within);
}

/**
 * Closes every editor without saving. Closing an edited editor makes VS Code ask whether to save
 * it, and nothing answers that dialog in a test run (1.139's closeAllEditors then never resolves),
 * so the edits a test left (tests never save; the workspace is a fresh copy) are reverted first.
 */
export async function closeAllEditors(): Promise<void> {
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs.filter((t) => t.isDirty)) await revertAndClose(tab, group.viewColumn);
  }
  const stillEdited = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.isDirty).map((t) => t.label);
  assert.deepEqual(stillEdited, [], 'editors left edited after reverting them');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Makes a tab's editor the active one and reverts and closes it (an untitled one is discarded). */
async function revertAndClose(tab: vscode.Tab, viewColumn: vscode.ViewColumn): Promise<void> {
  const { input } = tab;
  if (input instanceof vscode.TabInputText) {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(input.uri), { viewColumn });
  } else if (input instanceof vscode.TabInputNotebook) {
    await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(input.uri), { viewColumn });
  } else {
    assert.fail(`an edited tab of a kind the tests do not open: ${tab.label}`);
  }
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
