import * as assert from 'node:assert/strict';
import { assertEventually, workbench } from './workbench';

describe('Conv Lens as a person sees it (installed from the .vsix)', () => {
  afterEach(async () => {
    await workbench().reset();
  });

  it('opens the fixture model in an editor through Quick Open', async () => {
    const wb = workbench();
    await wb.openFile('mobilenet_block.py');
    assert.match(await wb.editorText(), /class InvertedResidual\(nn\.Module\)/);
    await wb.screenshot('fixture-open');
  });

  it('finds a token on a line and puts the cursor on it', async () => {
    const wb = workbench();
    await wb.openFile('mobilenet_block.py');
    // Line 13 is the depthwise layer; "groups" occurs on line 19 too.
    await wb.clickToken('groups', 13);
    const cursor = wb.page.locator('.statusbar-item[id="status.editor.selection"]');
    // "groups=192" starts at column 82 of line 13; a click in the middle of "groups" lands in it.
    await assertEventually(async () => /Ln 13, Col 8[2-8]\b/.test(await cursor.innerText()), 'the cursor did not land on "groups" of line 13');
  });

  it('gives the keyboard back to the text editor', async () => {
    const wb = workbench();
    await wb.openFile('mobilenet_block.py');
    // Ctrl+Shift+E moves the keyboard to the Explorer.
    await wb.page.keyboard.press('Control+Shift+E');
    await assertEventually(
      async () => wb.page.evaluate(() => document.activeElement?.closest('.explorer-folders-view') !== null),
      'the Explorer did not take the keyboard',
    );
    await wb.focusFirstEditor();
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.type('# typed');
    await assertEventually(async () => (await wb.editorText()).includes('# typed'), 'typing did not reach the editor');
    assert.equal(await wb.page.locator('.tabs-container .tab.active').getAttribute('data-resource-name'), 'mobilenet_block.py');
  });

  it('runs Analyze Layer from the command palette without an error', async () => {
    const wb = workbench();
    await wb.openFile('mobilenet_block.py');
    await wb.runCommand('Conv Lens: Analyze Layer…');
    // The command answers with a message, an input box or a panel; an unknown or failing
    // command answers with an error notification instead.
    const quickInput = wb.page.locator('.quick-input-widget');
    const webviewFrame = wb.page.locator('iframe.webview.ready');
    await assertEventually(
      async () => (await wb.notifications()).length > 0 || (await quickInput.isVisible()) || (await webviewFrame.count()) > 0,
      'Analyze Layer showed nothing',
    );
    await wb.screenshot('analyze-layer');
    const errors = (await wb.notifications()).filter((text) => /not found|failed|error/i.test(text));
    assert.deepEqual(errors, []);
  });
});
