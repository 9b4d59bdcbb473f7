import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import golden from '../../fixtures/golden/model-view.json';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { restoredTarget } from '../../../src/extension/modelView/restore';
import { ModelViewPanel } from '../../../src/extension/modelView/panel';
import type { ConvLensContext } from '../../../src/extension/context';
import { MODEL_VIEW_TYPE } from '../../../src/protocol/modelView';
import { activateConvLens, closeAllEditors, openWorkspaceFile, workspaceFile } from './helpers';

interface ShownModel {
  entry: string;
  totals: Record<string, { value: string | null; reason: string | null }> & { convLayers: number };
  layers: unknown[];
}

describe('model view', function () {
  this.timeout(120_000);

  before(async () => {
    await activateConvLens();
  });
  after(closeAllEditors);

  it('opens from the palette command on a MobileNetV2 (a copy of examples/mobilenet_v2.py) with the totals PyTorch counts', async () => {
    const editor = await openWorkspaceFile('model_view_mobilenet_v2.py');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 100);
    assert.ok(lenses.some((l) => l.command?.command === 'convLens.openModelView' && l.command.title === 'Model View'), 'a Model View lens on the model');
    const shown = await vscode.commands.executeCommand<ShownModel | null>('convLens.openModelView');
    assert.ok(shown, 'the command sent a model to the page');
    const expected = golden['mobilenet_v2.py#MobileNetV2'];
    assert.equal(shown.entry, 'MobileNetV2');
    assert.equal(shown.totals.params.value, String(expected.params));
    assert.equal(shown.totals.convParams.value, String(expected.conv_params));
    assert.equal(shown.totals.macs.value, String(expected.conv_macs));
    assert.equal(shown.totals.flops.value, String(2 * expected.conv_macs));
    assert.equal(shown.totals.convLayers, expected.conv_layers);
    assert.equal(shown.layers.length, expected.conv_layers);
    const tabLabels = (): string[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    // The workbench reports the panel's tab a moment after the panel is created.
    for (let i = 0; i < 100 && !tabLabels().some((l) => l.startsWith('Model View')); i++) await new Promise((r) => setTimeout(r, 100));
    const labels = tabLabels();
    assert.ok(labels.some((l) => l.startsWith('Model View')), `tabs: ${labels.join(', ')}`);
  });

  describe('restoring after a window reload: the saved state is checked before anything is read', () => {
    const logged: string[] = [];
    const log = { appendLine: (line: string) => void logged.push(line) };
    const isOpen = (uri: vscode.Uri): boolean => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());

    it('restores a Python file of the workspace and its model, exactly', async () => {
      const uri = workspaceFile('whatif_net.py');
      const restored = await restoredTarget({ target: { uri: uri.toString(), entry: 'Stack' }, filter: '' }, log);
      assert.ok(restored.ok, JSON.stringify(restored));
      assert.equal(restored.target.document.uri.toString(), uri.toString());
      assert.equal(restored.target.entry, 'Stack');
      assert.equal(restored.target.exact, true);
    });

    it('gives a reason, and reads nothing, for malformed state and files it may not read', async () => {
      const outside = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'conv-lens-restore-')), 'outside.py');
      fs.writeFileSync(outside, 'import torch.nn as nn\n\nclass Outside(nn.Module):\n    pass\n');
      const folder = vscode.workspace.workspaceFolders![0].uri.toString();
      const cases: Array<[unknown, RegExp]> = [
        [42, /could not read what it showed/],
        [{ target: { uri: 5, entry: 'Net' } }, /could not read what it showed/],
        [{ target: { uri: 'file:///a.py', entry: 'Net', command: 'x' } }, /could not read what it showed/],
        [{ target: null }, /run "Conv Lens: Open Model View"/],
        [{ target: { uri: vscode.Uri.file(outside).toString(), entry: 'Outside' } }, /outside\.py is not open, and not a Python file of this workspace/],
        [{ target: { uri: workspaceFile('README.md').toString(), entry: 'Net' } }, /README\.md is not open/],
        [{ target: { uri: `${folder}/editor_pkg/../../outside.py`, entry: 'Net' } }, /is not open/],
        [{ target: { uri: 'command:convLens.showReport', entry: 'Net' } }, /is not open/],
        [{ target: { uri: 'not a uri', entry: 'Net' } }, /not a valid address|is not open/],
      ];
      for (const [state, reason] of cases) {
        const restored = await restoredTarget(state, log);
        assert.ok(!restored.ok, `accepted ${JSON.stringify(state)}`);
        assert.match(restored.reason, reason, JSON.stringify(state));
      }
      assert.ok(!isOpen(vscode.Uri.file(outside)), 'the file outside the workspace was read');
      assert.ok(!isOpen(workspaceFile('README.md')), 'a workspace file that is not Python was read');
    });

    it('says so when the saved model is no longer in the file, instead of showing another one', async () => {
      const extension = await activateConvLens();
      const ctx = extension.exports as ConvLensContext;
      const document = (await openWorkspaceFile('whatif_net.py')).document;
      const webviewPanel = vscode.window.createWebviewPanel(MODEL_VIEW_TYPE, 'restore test', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
      // Record what the host posts to the page (the page itself is not under test here).
      const posted: Array<{ type: string; reason?: string }> = [];
      const post = webviewPanel.webview.postMessage.bind(webviewPanel.webview);
      webviewPanel.webview.postMessage = (message: { type: string; reason?: string }) => {
        posted.push(message);
        return post(message);
      };
      const panel = new ModelViewPanel(webviewPanel, ctx, { document, entry: 'RenamedNet', exact: true });
      try {
        assert.equal(await panel.refreshAndWait(), null);
        const said = posted.filter((m) => m.type === 'noModel').map((m) => m.reason ?? '');
        assert.ok(said.some((r) => /whatif_net\.py has no model RenamedNet now/.test(r)), JSON.stringify(posted));
        assert.ok(!posted.some((m) => m.type === 'showModel'), 'another model was shown');
        assert.equal(panel.lastSent, null);
      } finally {
        panel.dispose();
      }
    });
  });
});
