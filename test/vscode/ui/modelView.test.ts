import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { assertEventually, workbench } from './workbench';

/** Analysis and the what-if run in the extension's worker: on a loaded machine they take a while. */
const slowMs = 120_000;
const FIGURES = ['params', 'convParams', 'macs'] as const;
type Figures = Record<(typeof FIGURES)[number], string>;

/** The exact figures (every digit, from the cells' titles) of one column of the totals table: 0 as written, 1 the what-if. */
async function totals(page: FrameLocator, column: 0 | 1): Promise<Figures> {
  const read = async (key: string): Promise<string> => {
    const cell = page.locator(`#totals tr[data-total="${key}"] td`).nth(column).locator('span');
    return (await cell.getAttribute('title')) ?? '';
  };
  return { params: await read('params'), convParams: await read('convParams'), macs: await read('macs') };
}

/** The text of the Python editor (in the first group; the panel's group may be the active one). */
async function codeText(): Promise<string> {
  return (await workbench().page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
}

/**
 * The model view in the real VS Code: opened from the palette on a fixture model, a model-wide
 * what-if applied to the code, the re-analysed totals held to the ones the what-if promised,
 * one Undo back to the original, and the panel restored on the same model after a reload.
 */
describe('Conv Lens model view (installed from the .vsix)', function () {
  this.timeout(600_000);

  afterEach(async () => {
    // A failed test may leave the fixture edited; closing a dirty editor would ask to save.
    await workbench().runCommand('View: Focus First Editor Group');
    await workbench().runCommand('File: Revert File');
    await workbench().reset();
  });

  it('applies "all dense 3x3 → depthwise-separable": the re-analysed totals are the promised ones; Undo brings the original back', async () => {
    const wb = workbench();
    await wb.openFile('whatif_net.py');
    // Line 13 is inside PlainCNN.__init__: the view opens on the model under the cursor.
    await wb.goToLine(13);
    await wb.runCommand('Conv Lens: Open Model View');
    const page = wb.webview();
    await page.locator('#totals').waitFor({ timeout: slowMs });
    assert.equal(await page.locator('h1').innerText(), 'Model view: PlainCNN');
    const original = await totals(page, 0);
    assert.ok(FIGURES.every((k) => /^\d[\d,]*$/.test(original[k])), `known totals as written: ${JSON.stringify(original)}`);

    await page.locator('#t-separable').check();
    await page.locator('body[data-whatif="ready"] #totals thead th', { hasText: 'What-if' }).waitFor({ timeout: slowMs });
    await assertEventually(async () => !(await page.locator('#apply').isDisabled()), 'Apply stayed disabled', slowMs);
    const promised = await totals(page, 1);
    assert.ok(FIGURES.every((k) => /^\d[\d,]*$/.test(promised[k])), `known what-if totals: ${JSON.stringify(promised)}`);
    assert.notEqual(promised.macs, original.macs, 'the what-if changes the MACs');
    await wb.screenshot('model-view');

    await page.locator('#apply').click();
    await page.locator('#whatif-status[data-kind="ok"]').waitFor({ timeout: slowMs });
    await assertEventually(async () => (await codeText()).includes('nn.Sequential('), 'Apply did not change the code');
    // The page follows the edit: once re-analysed, the model as written has the promised totals.
    await assertEventually(async () => (await totals(page, 0)).macs === promised.macs, 'the re-analysed MACs never reached the promised ones', slowMs);
    assert.deepEqual(await totals(page, 0), promised);

    // Keys go to the panel while it has focus: focus the text editor first (a click could land on a CodeLens).
    await wb.runCommand('View: Focus First Editor Group');
    await wb.page.keyboard.press('Control+Z');
    await assertEventually(async () => !(await codeText()).includes('nn.Sequential('), 'one undo did not restore the code');
    await assertEventually(async () => (await totals(page, 0)).macs === original.macs, 'the totals did not come back after Undo', slowMs);
    assert.deepEqual(await totals(page, 0), original);
  });

  it('comes back on the model it showed after a window reload, not the one under the cursor', async () => {
    const wb = workbench();
    await wb.openFile('whatif_net.py');
    // Line 38 is inside Stack, the file's second model; the picker then shows the first one.
    await wb.goToLine(38);
    await wb.runCommand('Conv Lens: Open Model View');
    let page = wb.webview();
    await page.locator('#totals').waitFor({ timeout: slowMs });
    assert.equal(await page.locator('h1').innerText(), 'Model view: Stack');
    await page.locator('#model-picker').selectOption('PlainCNN');
    await assertEventually(async () => (await page.locator('h1').innerText()) === 'Model view: PlainCNN', 'the picker did not change the model', slowMs);
    const before = await totals(page, 0);

    await wb.reloadWindow();
    page = wb.webview();
    await page.locator('#totals').waitFor({ timeout: slowMs });
    assert.equal(await page.locator('h1').innerText(), 'Model view: PlainCNN');
    assert.deepEqual(await totals(page, 0), before);
    await wb.screenshot('model-view-restored');
  });

  it('comes back on a notebook\'s model after a window reload (its cells\' addresses change, the notebook\'s does not)', async () => {
    const wb = workbench();
    await wb.openNotebook('model_view_notebook.ipynb');
    // The model's CodeLens, in the cell that defines it, opens the view on it (the only one of
    // that title: the notebook's cells are drawn outside the editor group's element).
    await wb.page.locator('.codelens-decoration a', { hasText: /^Model\sView$/ }).first().click({ timeout: slowMs });
    let page = await wb.webviewWith('#totals', slowMs);
    assert.equal(await page.locator('h1').innerText(), 'Model view: NotebookNet');
    // PyTorch 1.13 on the notebook's cells run in order: 3,328 parameters, all in the three convs.
    const expected = { params: '3,328', convParams: '3,328', macs: '3,276,800' };
    await assertEventually(async () => JSON.stringify(await totals(page, 0)) === JSON.stringify(expected), 'the notebook\'s totals', slowMs);

    await wb.reloadWindow();
    page = await wb.webviewWith('#totals', slowMs);
    assert.equal(await page.locator('h1').innerText(), 'Model view: NotebookNet');
    await assertEventually(async () => JSON.stringify(await totals(page, 0)) === JSON.stringify(expected), 'the restored notebook\'s totals', slowMs);
  });
});
