import * as assert from 'node:assert/strict';
import { assertEventually, workbench } from './workbench';

/** The text of the Python editor (in the first group; the panel's group may be the active one). */
async function codeText(): Promise<string> {
  return (await workbench().page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
}

/**
 * The comparison panel in the real VS Code: opened from the palette on a fixture layer, read,
 * changed, applied to the code as one edit, and undone.
 */
describe('Conv Lens comparison panel (installed from the .vsix)', () => {
  afterEach(async () => {
    // A failed test may leave the fixture edited; closing a dirty editor would ask to save.
    await workbench().runCommand('View: Focus First Editor Group');
    await workbench().runCommand('File: Revert File');
    await workbench().reset();
  });

  it('compares the layer under the cursor, applies a new groups value, and undoes it in one step', async () => {
    const wb = workbench();
    // Line 19: self.grouped = nn.Conv2d(64, 128, kernel_size=3, padding=1, groups=4). The cursor
    // goes to the end of the line, which is the end of the call.
    const page = await wb.compareLayerAt('mobilenet_block.py', 19);
    await page.locator('#comparison').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#repr').innerText(), 'Conv2d(64, 128, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=4)');
    // 128 x (64/4) x 3 x 3 weights and 128 biases.
    assert.equal(await page.locator('#comparison tr[data-row="Parameters"] td').first().getAttribute('title'), '18,560');
    assert.equal(await page.locator('#chart-groups').count(), 1);
    await wb.screenshot('compare-panel');

    await page.locator('#control-groups').selectOption('8');
    await assertEventually(async () => (await page.locator('#repr').innerText()).includes('groups=8'), 'the what-if did not update');
    await page.locator('button[data-variant="this"]').click();
    await assertEventually(async () => (await codeText()).includes('padding=1, groups=8)'), 'Apply did not change the code');
    await assertEventually(async () => /Set groups/.test(await page.locator('#status').innerText()), 'the panel did not confirm the edit');
    await assertEventually(async () => (await page.locator('#repr').innerText()).includes('groups=8'), 'the panel did not follow the new code');

    // Keys go to the panel while it has focus: focus the text editor first (a click could land on a CodeLens).
    await wb.runCommand('View: Focus First Editor Group');
    await wb.page.keyboard.press('Control+Z');
    await assertEventually(async () => (await codeText()).includes('padding=1, groups=4)'), 'one undo did not restore the code');
  });

  it('follows the cursor to another layer when asked, and comes back after a window reload', async () => {
    const wb = workbench();
    let page = await wb.compareLayerAt('mobilenet_block.py', 19);
    await page.locator('#comparison').waitFor({ timeout: 30_000 });
    await page.locator('#follow').check();
    // Line 13: self.depthwise = nn.Conv2d(192, 192, kernel_size=3, stride=2, padding=1, groups=192, bias=False)
    await wb.runCommand('View: Focus First Editor Group');
    await wb.goToLine(13);
    await wb.page.keyboard.press('End');
    await assertEventually(async () => (await page.locator('#repr').innerText()).startsWith('Conv2d(192, 192,'), 'the panel did not follow the cursor');
    assert.equal(await page.locator('#comparison tr[data-row="Kind"] td').first().innerText(), 'depthwise');

    await wb.reloadWindow();
    page = wb.webview();
    await page.locator('#comparison').waitFor({ timeout: 60_000 });
    assert.ok((await page.locator('#repr').innerText()).startsWith('Conv2d(192, 192,'), 'the restored panel shows another layer');
    assert.equal(await page.locator('#follow').isChecked(), true);
    await wb.screenshot('compare-panel-restored');
  });

  it('opens from a layer\'s CodeLens on that layer', async () => {
    const wb = workbench();
    await wb.openFile('mobilenet_block.py');
    const lenses = await wb.codeLensTexts(4);
    // The depthwise layer's lens (line 13) names its parameters: 192 x 1 x 3 x 3 = 1,728.
    assert.ok(lenses.some((text) => text.startsWith('1,728 params')), `no lens for the depthwise layer among: ${lenses.join(' | ')}`);
    await wb.activeEditor().locator('.codelens-decoration a', { hasText: '1,728 params' }).first().click();
    const page = wb.webview();
    await page.locator('#comparison').waitFor({ timeout: 30_000 });
    assert.ok((await page.locator('#repr').innerText()).startsWith('Conv2d(192, 192, kernel_size=(3, 3), stride=(2, 2)'));
    assert.equal(await page.locator('#comparison tr[data-row="Params saved vs dense"] td').first().innerText(), '192x');
  });
});
