// Helpers for UI-level editor tests: they drive a real VS Code (code-server) in headless
// Chromium as a person would, through Playwright. scripts/vscode-test/run-ui.mjs opens the
// workbench and attaches it here before any test file runs; tests call workbench().
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** How long a helper waits for the workbench to show something before the test fails. */
const uiTimeoutMs = 30_000;
/** How long one attempt of a step that is retried (a mouse hover, Ctrl+.) waits before trying again. */
const retryAfterMs = 5_000;

export interface WorkbenchInfo {
  /** The folder the workbench opened: a fresh copy of test/vscode/workspace. */
  workspace: string;
  screenshotDir: string;
  /** The VS Code version the workbench runs, e.g. "1.75.1" (its product.json). */
  vscodeVersion: string;
}

export class Workbench {
  private failureScreenshot: Promise<unknown> = Promise.resolve();

  constructor(readonly page: Page, readonly info: WorkbenchInfo) {}

  /** True when the workbench's VS Code is `major.minor` or newer. */
  vscodeAtLeast(major: number, minor: number): boolean {
    const [runMajor = 0, runMinor = 0] = this.info.vscodeVersion.split('.').map((part) => Number.parseInt(part, 10));
    return runMajor > major || (runMajor === major && runMinor >= minor);
  }

  /** Opens a workspace file through Quick Open (Ctrl+P) and waits until its editor shows text. */
  async openFile(fileName: string): Promise<Locator> {
    await this.quickInput('Control+P', fileName, fileName);
    const tab = this.page.locator(`.tabs-container .tab.active[data-resource-name="${fileName}"]`);
    await tab.waitFor({ timeout: uiTimeoutMs });
    const editor = this.activeEditor();
    await editor.locator('.view-line').first().waitFor({ timeout: uiTimeoutMs });
    return editor;
  }

  /** Opens a notebook by name from Quick Open (its cells are drawn in an overlay, outside the editor group's element). */
  async openNotebook(fileName: string): Promise<void> {
    await this.quickInput('Control+P', fileName, fileName);
    await this.page.locator(`.tabs-container .tab.active[data-resource-name="${fileName}"]`).waitFor({ timeout: uiTimeoutMs });
  }

  /** The text editor of the active editor group. */
  activeEditor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** The text the active editor shows (only the lines it has rendered). */
  async editorText(): Promise<string> {
    // The editor renders spaces as non-breaking spaces.
    return (await this.activeEditor().locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
  }

  /** Runs a command from the palette (F1) by its full title, e.g. "Conv Lens: Analyze Layer…". */
  async runCommand(title: string): Promise<void> {
    await this.quickInput('F1', `>${title}`, title);
  }

  /**
   * Reloads the window from the palette and waits for the new workbench. Waiting for the page's
   * load event first matters: the old workbench is still in the page for a moment after the
   * command, and a wait for `.monaco-workbench` alone would find it.
   */
  async reloadWindow(): Promise<void> {
    const loaded = this.page.waitForEvent('load', { timeout: 60_000 });
    await this.runCommand('Developer: Reload Window');
    await loaded;
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  }

  /**
   * Gives the keyboard to the text editor of the first editor group (where openFile puts files)
   * without clicking: a click inside the editor can land on a CodeLens or inlay hint and run it.
   */
  async focusFirstEditor(): Promise<void> {
    await this.runCommand('View: Focus First Editor Group');
    await assertEventually(
      async () => this.page.evaluate(() => document.activeElement?.closest('.monaco-editor') !== null),
      'the text editor did not take focus',
    );
  }

  /** Moves the cursor to a 1-based line with Go to Line (Ctrl+G), which also scrolls it into view. */
  async goToLine(line: number): Promise<void> {
    await this.quickInput('Control+G', `:${line}`);
  }

  /**
   * Where the text `token` is drawn on a 1-based line (its first occurrence there, or the
   * `occurrence`-th). The line is revealed first. The editor merges neighbouring tokens of one
   * colour into one span, so this measures the characters themselves with a DOM Range.
   */
  async tokenBox(token: string, line: number, occurrence = 1): Promise<Box> {
    await this.goToLine(line);
    const editor = this.activeEditor();
    // CodeLens and inlay hints arriving re-render lines, so measure again until it holds still.
    let found: Box | string = `line ${line} is not rendered`;
    await assertEventually(async () => {
      found = await editor.evaluate(measureTokenOnLine, { line, token, occurrence });
      return typeof found !== 'string';
    }, `could not find "${token}" on line ${line}`).catch(() => assert.fail(typeof found === 'string' ? found : 'unreachable'));
    return found as unknown as Box;
  }

  /** A token on a 1-based line, to click (which puts the cursor there) or point at. */
  async token(token: string, line: number, occurrence = 1): Promise<ScreenToken> {
    const box = await this.tokenBox(token, line, occurrence);
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const mouse = this.page.mouse;
    return {
      box,
      click: () => mouse.click(x, y),
      // Leaving first makes a new hover start even when the mouse was already there.
      hover: async () => {
        await mouse.move(0, 0);
        await mouse.move(x, y, { steps: 2 });
      },
    };
  }

  async clickToken(token: string, line: number, occurrence = 1): Promise<void> {
    await (await this.token(token, line, occurrence)).click();
  }

  /**
   * Hovers the mouse over a token and returns the hover's text once providers have answered.
   * A mouse hover can fail to start (the editor re-rendered the line under the mouse as CodeLens
   * or inlay hints arrived, or an older VS Code dropped the move): the token is measured and
   * pointed at again until a hover shows.
   */
  async hover(token: string, line: number, occurrence = 1): Promise<string> {
    const hover = this.page.locator('.monaco-hover:visible').first();
    await assertEventually(async () => {
      await (await this.token(token, line, occurrence)).hover();
      return hover.waitFor({ timeout: retryAfterMs }).then(() => true, () => false);
    }, `no hover appeared over "${token}" on line ${line}`);
    // The hover shows "Loading..." until every provider has answered.
    await assertEventually(async () => !/^\s*Loading/.test(await hover.innerText()), 'the hover kept loading');
    return (await hover.innerText()).replace(/\u00a0/g, ' ');
  }

  /** The texts of all CodeLens entries shown, after waiting until at least `atLeast` appear. */
  async codeLensTexts(atLeast = 1): Promise<string[]> {
    const lenses = this.activeEditor().locator('.codelens-decoration');
    await assertEventually(async () => (await lenses.count()) >= atLeast, `fewer than ${atLeast} CodeLens entries appeared`);
    return (await lenses.allInnerTexts()).map((text) => text.trim());
  }

  /** The texts of the notification toasts on screen. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
  }

  /**
   * The content frame of the active webview panel. VS Code nests it: an outer iframe (ready once
   * the webview's service worker is up) around #active-frame, which holds the extension's HTML.
   */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  /** The content frame of the webview that shows `selector`, when several are open (a notebook keeps one for its outputs). */
  async webviewWith(selector: string, timeout = uiTimeoutMs): Promise<FrameLocator> {
    let found: FrameLocator | null = null;
    await assertEventually(async () => {
      const frames = this.page.frameLocator('iframe.webview.ready');
      const count = await this.page.locator('iframe.webview.ready').count();
      for (let i = 0; i < count && !found; i++) {
        const content = frames.nth(i).frameLocator('#active-frame');
        if ((await content.locator(selector).count()) > 0) found = content;
      }
      return found !== null;
    }, `no webview shows ${selector}`, timeout);
    return found!;
  }

  /**
   * Opens a file, puts the cursor at the end of a line (the end of the conv call on it), runs
   * "Conv Lens: Compare Layer" and returns the panel's content frame.
   */
  async compareLayerAt(fileName: string, line: number): Promise<FrameLocator> {
    await this.openFile(fileName);
    await this.goToLine(line);
    await this.page.keyboard.press('End');
    await this.runCommand('Conv Lens: Compare Layer');
    return this.webview();
  }

  /** Opens the quick fix menu (Ctrl+.) at a token and returns the titles it offers. */
  async quickFixTitles(token: string, line: number, occurrence = 1): Promise<string[]> {
    const items = this.quickFixItems();
    // Ctrl+. pressed before the editor has the code actions (diagnostics just arrived) shows
    // nothing, or a passing "No code actions available": click and ask again until the menu opens.
    await assertEventually(async () => {
      await this.clickToken(token, line, occurrence);
      await this.page.keyboard.press('Control+.');
      if (await items.first().waitFor({ timeout: retryAfterMs }).then(() => true, () => false)) return true;
      await this.page.keyboard.press('Escape');
      return false;
    }, `the quick fix menu did not open at "${token}" on line ${line}`);
    return (await items.allInnerTexts()).map((text) => text.trim());
  }

  /**
   * Applies the quick fix titled `title` at a token: Ctrl+., then the arrow keys to it and Enter
   * (the menu blocks the mouse until it has moved, so a click is not reliable).
   */
  async applyQuickFix(token: string, line: number, title: string, occurrence = 1): Promise<void> {
    const titles = await this.quickFixTitles(token, line, occurrence);
    assert.ok(titles.includes(title), `no quick fix "${title}" among: ${titles.join(' | ')}`);
    const focused = this.quickFixItems().and(this.page.locator('.focused'));
    // The row's text, as quickFixTitles reads it: its aria-label gained a ", Quick Fix" suffix (1.139).
    const focusedTitle = async (): Promise<string> => (await focused.innerText()).trim();
    for (let step = 0; step < titles.length && (await focusedTitle()) !== title; step++) {
      await this.page.keyboard.press('ArrowDown');
    }
    assert.equal(await focusedTitle(), title);
    await this.page.keyboard.press('Enter');
    // Its rows, not '.action-widget' itself: 1.139 has a second, empty one (the submenu panel).
    await this.quickFixItems().first().waitFor({ state: 'hidden', timeout: uiTimeoutMs });
  }

  private quickFixItems(): Locator {
    return this.page.locator('.action-widget .monaco-list-row.action');
  }

  /** The rows of the Problems panel (opened with Ctrl+Shift+M) once at least `atLeast` show. */
  async problems(atLeast = 1): Promise<string[]> {
    await this.page.keyboard.press('Control+Shift+M');
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    await assertEventually(async () => (await rows.count()) >= atLeast, `fewer than ${atLeast} rows in the Problems panel`);
    return (await rows.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
  }

  /** Saves a PNG of the whole window to test-results/screenshots/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.info.screenshotDir, { recursive: true });
    const file = path.join(this.info.screenshotDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    // Finishing animations at once keeps toasts and hovers from being caught halfway in.
    await this.page.screenshot({ path: file, animations: 'disabled' });
    return file;
  }

  /**
   * Called by the runner the moment a test fails: captures the window as the test left it,
   * before afterEach's reset() (which waits for this) tidies it up.
   */
  recordFailure(testTitle: string): void {
    this.failureScreenshot = this.screenshot(`FAILED-${testTitle}`).then(
      (file) => console.error(`      screenshot: ${path.relative(process.cwd(), file)}`),
      () => undefined,
    );
  }

  /** Closes editors, menus, hovers and notifications so the next test starts from a plain window. */
  async reset(): Promise<void> {
    await this.failureScreenshot;
    await this.page.keyboard.press('Escape');
    if (await this.page.locator('.quick-input-widget').isVisible()) await this.page.keyboard.press('Escape');
    await this.runCommand('Notifications: Clear All Notifications');
    // "Toggle Panel Visibility" is the one title every supported VS Code has ("Hide Panel" came later).
    if (await this.page.locator('.part.panel').isVisible()) await this.runCommand('View: Toggle Panel Visibility');
    await this.runCommand('View: Close All Editors');
    // Unsaved changes make VS Code ask whether to save them; tests never keep them.
    const dontSave = this.page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Don't Save$/ });
    await assertEventually(async () => {
      if (await dontSave.isVisible()) await dontSave.click();
      return (await this.page.locator('.editor-group-container .tab').count()) === 0;
    }, 'editors stayed open after Close All Editors');
  }

  /**
   * Opens a quick input with `key` and types `value`. With `pick`, waits for the list row whose
   * label is exactly `pick` and clicks it (so the test picks what it meant even when the list
   * still shows older results or ranks a longer title first); without it, presses Enter.
   */
  private async quickInput(key: string, value: string, pick?: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('input.input');
    try {
      await this.page.keyboard.press(key);
      await input.waitFor({ state: 'visible', timeout: uiTimeoutMs });
      await input.fill(value);
      if (pick === undefined) {
        await this.page.keyboard.press('Enter');
      } else {
        const label = this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(pick)}\\s*$`) });
        await widget.locator('.monaco-list-row').filter({ has: label }).first().click({ timeout: uiTimeoutMs });
      }
      // Done when this quick input closed, or a command replaced it with a quick input of its own.
      // A short read: a command such as Reload Window takes the page away, and a read that
      // waited for the input would wait on a page that is gone.
      await assertEventually(async () => {
        if (!(await widget.isVisible())) return true;
        const current = await input.inputValue({ timeout: 1_000 }).catch(() => undefined);
        return current !== value;
      }, 'the quick input stayed open');
    } catch (error) {
      // Leave no half-used quick input behind for the next test.
      if (await widget.isVisible()) await this.page.keyboard.press('Escape');
      throw new Error(`quick input (${key}, "${value}") failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ScreenToken {
  /** Where the token's characters are drawn, in page pixels. */
  box: Box;
  click(): Promise<void>;
  hover(): Promise<void>;
}

/**
 * Runs in the page: the screen box of the `occurrence`-th `token` on a 1-based line of an
 * editor, or why it is not there. A rendered line and its line number share their CSS `top`.
 * The editor merges neighbouring tokens of one colour into one span, so a DOM Range measures
 * exactly the token's characters rather than whole spans.
 */
function measureTokenOnLine(editor: Element, { line, token, occurrence }: { line: number; token: string; occurrence: number }): Box | string {
  const numbers = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')];
  const number = numbers.find((element) => element.textContent?.trim() === String(line));
  const top = (number?.parentElement as HTMLElement | null | undefined)?.style.top;
  const viewLines = [...editor.querySelectorAll<HTMLElement>('.view-lines .view-line')];
  const viewLine = top === undefined ? undefined : viewLines.find((element) => element.style.top === top);
  if (!viewLine) return `line ${line} is not rendered`;
  const walker = editor.ownerDocument.createTreeWalker(viewLine, 4 /* NodeFilter.SHOW_TEXT */);
  const nodes: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node as Text);
  const text = nodes.map((node) => node.data).join('').replace(/\u00a0/g, ' ');
  let start = -1;
  for (let seen = 0; seen < occurrence; seen++) {
    start = text.indexOf(token, start + 1);
    if (start < 0) return `"${token}" (occurrence ${occurrence}) is not on line ${line}: "${text}"`;
  }
  const end = start + token.length;
  const range = editor.ownerDocument.createRange();
  let offset = 0;
  for (const node of nodes) {
    const nodeEnd = offset + node.data.length;
    if (start >= offset && start < nodeEnd) range.setStart(node, start - offset);
    if (end > offset && end <= nodeEnd) range.setEnd(node, end - offset);
    offset = nodeEnd;
  }
  const rect = range.getBoundingClientRect();
  return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Polls `condition` until it holds or the UI timeout passes. */
export async function assertEventually(condition: () => Promise<boolean>, message: string, timeoutMs = uiTimeoutMs): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`${message} (waited ${timeoutMs / 1000} s)`);
}

let current: Workbench | undefined;

/** Called by the runner once the workbench is open. */
export function attachWorkbench(page: Page, info: WorkbenchInfo): Workbench {
  current = new Workbench(page, info);
  return current;
}

/** The workbench the runner opened. */
export function workbench(): Workbench {
  assert.ok(current, 'no workbench: run UI tests with `npm run test:ui` (scripts/vscode-test/run-ui.mjs)');
  return current;
}
