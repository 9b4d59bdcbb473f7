import * as assert from 'node:assert/strict';
import { assertEventually, workbench } from './workbench';

describe('Conv Lens editor surfaces as a person sees them (installed from the .vsix)', () => {
  afterEach(async () => {
    await workbench().reset();
  });

  it('shows a grouped conv\'s figures in its hover', async () => {
    const wb = workbench();
    await wb.openFile('editor_net.py');
    // CodeLens rows shift the lines when they arrive: wait for them so the token stays put.
    await wb.codeLensTexts(5);
    // Line 11: self.grouped = nn.Conv2d(64, 128, kernel_size=3, padding=1, groups=8)
    const text = await wb.hover('Conv2d', 11);
    assert.match(text, /groups=8: 8\.0x fewer weights and MACs than dense \(9,216 vs 73,728 weights\)/);
    assert.match(text, /9,344 params · 9\.44M MACs \(18\.9M FLOPs\)/);
    await wb.screenshot('editor-hover-grouped');
  });

  it('shows model totals and per-layer CodeLens', async () => {
    const wb = workbench();
    await wb.openFile('editor_net.py');
    const lenses = await wb.codeLensTexts(5);
    assert.ok(lenses.some((t) => /4 conv layers · input \[1, 3, 32, 32\]/.test(t)), lenses.join(' | '));
    assert.ok(lenses.some((t) => /9,344 params .*8\.0x fewer than dense/.test(t)), lenses.join(' | '));
    await wb.screenshot('editor-codelens');
  });

  it('fixes invalid groups from the quick fix menu, and the problem goes away', async () => {
    const wb = workbench();
    await wb.openFile('editor_bad_groups.py');
    const problems = await wb.problems(1);
    assert.ok(problems.some((p) => p.includes('in_channels must be divisible by groups')), problems.join(' | '));
    await wb.screenshot('editor-problem');
    // Line 10: self.conv2 = nn.Conv2d(30, 64, kernel_size=3, padding=1, groups=4)
    await wb.applyQuickFix('groups', 10, 'Set groups to 2 (nearest valid value; changes this layer only)');
    await assertEventually(async () => /groups=2\)/.test(await wb.editorText()), 'the fix did not rewrite groups');
    await assertEventually(async () => (await wb.page.locator('.markers-panel .monaco-list-row').count()) === 0, 'the problem stayed after the fix');
    await wb.screenshot('editor-fixed');
    // One undo takes the whole fix back, leaving the editor clean so closing it asks nothing.
    await wb.clickToken('groups', 10);
    await wb.page.keyboard.press('Control+Z');
    await assertEventually(async () => /groups=4\)/.test(await wb.editorText()), 'one undo did not restore groups=4');
  });

  it('shows the report in a Markdown preview, and the Conv Lens view jumps to a layer', async () => {
    const wb = workbench();
    await wb.openFile('editor_net.py');
    await wb.codeLensTexts(5);
    await wb.runCommand('Conv Lens: Show Report');
    const report = wb.webview();
    const table = report.locator('table').first();
    await table.waitFor({ timeout: 30_000 });
    assert.match(await table.innerText(), /grouped\s*\(Conv2d\)\s+grouped\s+\[1,128,32,32\]\s+9,344/);
    await wb.screenshot('editor-report');
    await wb.page.locator('.monaco-editor .view-lines').first().click();
    await wb.runCommand('Explorer: Focus on Conv Lens View');
    const row = wb.page.locator('.monaco-list-row', { has: wb.page.locator('.label-name', { hasText: /^grouped$/ }) });
    await row.first().click({ timeout: 30_000 });
    const cursor = wb.page.locator('.statusbar-item[id="status.editor.selection"]');
    await assertEventually(async () => /Ln 11\b/.test(await cursor.innerText()), 'the view did not jump to line 11');
    await wb.screenshot('editor-layers-view');
  });
});
