import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import golden from '../../fixtures/golden/model-view.json';
import { activateConvLens, closeAllEditors, openWorkspaceFile } from './helpers';

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
});
