import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateConvLens, closeAllEditors, extensionId, openWorkspaceFile, positionOf } from './helpers';

describe('Conv Lens in a real VS Code', () => {
  before(async () => {
    await activateConvLens();
  });

  after(closeAllEditors);

  it('activates without starting the analysis worker', () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.equal(extension?.isActive, true);
    // No Python file is open yet: the worker starts with the first analysis, not at activation.
    assert.equal((extension?.exports as { analyses: { workerStarts: number } }).analyses.workerStarts, 0);
  });

  it('registers the Analyze Layer command', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('convLens.analyzeLayer'), 'convLens.analyzeLayer is not registered');
  });

  it('opens the fixture model as Python in an editor', async () => {
    const editor = await openWorkspaceFile('mobilenet_block.py');
    assert.equal(editor.document.languageId, 'python');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), editor.document.uri.toString());
    const depthwise = positionOf(editor.document, 'groups=192');
    assert.match(editor.document.lineAt(depthwise.line).text, /self\.depthwise = nn\.Conv2d\(192, 192/);
  });
});
