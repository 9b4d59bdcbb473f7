import * as assert from 'node:assert/strict';
import { assertEventually, workbench } from './workbench';

/**
 * The sandbox run inside the real comparison panel: the worker must start under the panel's
 * real CSP (blob: worker, 'wasm-unsafe-eval'), fetch nothing but the extension's own files
 * through the webview's resource origin, time every column and pass every equivalence check.
 */
describe('Conv Lens sandbox run (installed from the .vsix)', () => {
  afterEach(async () => {
    await workbench().reset();
  });

  it('runs the compared layer in a Web Worker under the panel\'s CSP and shows timings and passed checks', async () => {
    const wb = workbench();
    // Line 19: self.grouped = nn.Conv2d(64, 128, kernel_size=3, padding=1, groups=4).
    const page = await wb.compareLayerAt('mobilenet_block.py', 19);
    await page.locator('#sandbox[data-state="idle"]').waitFor({ timeout: 30_000 });
    await page.locator('#sandbox-run').click();
    await page.locator('#sandbox[data-state="done"], #sandbox[data-state="failed"], #sandbox[data-state="refused"]').waitFor({ timeout: 180_000 });
    const status = await page.locator('#sandbox-status').innerText();
    assert.equal(await page.locator('#sandbox').getAttribute('data-state'), 'done', status);
    assert.match(await page.locator('#sandbox-flavour').innerText(), /^Ran on 1x64x\d+x\d+ with (relaxed SIMD|plain SIMD128)/);
    const checks = await page.locator('#sandbox-checks li').evaluateAll((items) => items.map((li) => `${(li as HTMLElement).dataset.check}=${(li as HTMLElement).dataset.passed}`));
    assert.deepEqual(checks, ['reference=true', 'slices=true', 'block-diagonal=true', 'separable=true']);
    const produced = await page.locator('#sandbox-table tr[data-row="Output shape (run)"] td').allInnerTexts();
    assert.deepEqual(produced, await page.locator('#sandbox-table tr[data-row="Output shape (predicted)"] td').allInnerTexts());
    const medians = await page.locator('#sandbox-table tr[data-row="Median time"] td').allInnerTexts();
    const gflops = await page.locator('#sandbox-table tr[data-row="Achieved GFLOP/s"] td').allInnerTexts();
    const titles = await page.locator('#sandbox-table thead th[data-variant]').allInnerTexts();
    console.log(`sandbox in VS Code: ${titles.map((t, i) => `${t} ${medians[i]} ms ${gflops[i]} GFLOP/s`).join('; ')}`);
    await page.locator('#sandbox-checks').scrollIntoViewIfNeeded();
    await wb.screenshot('sandbox-run');
    await assertEventually(async () => (await page.locator('#sandbox-run').isDisabled()) === false, 'Run stayed disabled after the run');
  });
});
