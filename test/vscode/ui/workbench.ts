// Helpers for UI-level editor tests: they drive a real VS Code (code-server) in headless
// Chromium as a person would, through Playwright. scripts/vscode-test/run-ui.mjs opens the
// workbench and attaches it here before any test file runs; tests call workbench().
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** How long a helper waits for the workbench to show something before the test fails. */
const uiTimeoutMs = 15_000;

export interface WorkbenchInfo {
  /** The folder the workbench opened: a fresh copy of test/vscode/workspace. */
  workspace: string;
  screenshotDir: string;
}

export class Workbench {
  private failureScreenshot: Promise<unknown> = Promise.resolve();

  constructor(readonly page: Page, readonly info: WorkbenchInfo) {}

  /** Opens a workspace file through Quick Open (Ctrl+P) and waits until its editor shows text. */
  async openFile(fileName: string): Promise<Locator> {
    await this.quickInput('Control+P', fileName, fileName);
    const tab = this.page.locator(`.tabs-container .tab.active[data-resource-name="${fileName}"]`);
    await tab.waitFor({ timeout: uiTimeoutMs });
    const editor = this.activeEditor();
    await editor.locator('.view-line').first().waitFor({ timeout: uiTimeoutMs });
    return editor;
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

  /** Moves the cursor to a 1-based line with Go to Line (Ctrl+G), which also scrolls it into view. */
  async goToLine(line: number): Promise<void> {
    await this.quickInput('Control+G', `:${line}`);
  }

  /**
   * The on-screen token `token` on a 1-based line. The line is revealed first; the token must be
   * one span of the editor's rendering (an identifier or a number usually is).
   */
  async token(token: string, line: number): Promise<Locator> {
    await this.goToLine(line);
    const editor = this.activeEditor();
    const lineNumber = editor.locator('.margin-view-overlays .line-numbers').filter({ hasText: new RegExp(`^\\s*${line}\\s*$`) });
    await lineNumber.waitFor({ timeout: uiTimeoutMs });
    // A rendered line and its line number sit at the same height.
    const numberBox = await lineNumber.boundingBox();
    assert.ok(numberBox, `line ${line} is not on screen`);
    const spans = editor.locator('.view-line span span').filter({ hasText: new RegExp(`^${escapeRegExp(token)}$`) });
    for (const span of await spans.all()) {
      const box = await span.boundingBox();
      if (box && Math.abs(box.y + box.height / 2 - (numberBox.y + numberBox.height / 2)) < numberBox.height / 2) return span;
    }
    assert.fail(`token "${token}" is not shown on line ${line}`);
  }

  /** Hovers the mouse over a token and returns the hover's text once it shows. */
  async hover(token: string, line: number): Promise<string> {
    const span = await this.token(token, line);
    await this.page.mouse.move(0, 0);
    await span.hover();
    const hover = this.page.locator('.monaco-hover:visible').first();
    await hover.waitFor({ timeout: uiTimeoutMs });
    // The hover first shows "Loading…" while providers answer.
    await assertEventually(async () => !(await hover.innerText()).includes('Loading'), 'the hover kept loading');
    return hover.innerText();
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

  /** Opens the quick fix menu (Ctrl+.) on a token and returns the titles it offers. */
  async quickFixTitles(token: string, line: number): Promise<string[]> {
    await (await this.token(token, line)).click();
    await this.page.keyboard.press('Control+.');
    const items = this.page.locator('.action-widget .monaco-list-row.action');
    await items.first().waitFor({ timeout: uiTimeoutMs });
    return (await items.allInnerTexts()).map((text) => text.trim());
  }

  /** Applies the quick fix whose title contains `title` on a token (Ctrl+., then picks it). */
  async applyQuickFix(token: string, line: number, title: string): Promise<void> {
    const titles = await this.quickFixTitles(token, line);
    assert.ok(titles.some((t) => t.includes(title)), `no quick fix "${title}" among: ${titles.join(' | ')}`);
    await this.page.locator('.action-widget .monaco-list-row.action').filter({ hasText: title }).first().click();
    await this.page.locator('.action-widget').waitFor({ state: 'hidden', timeout: uiTimeoutMs });
  }

  /** The entries of the Problems panel (opens it with Ctrl+Shift+M). */
  async problems(): Promise<string[]> {
    await this.page.keyboard.press('Control+Shift+M');
    const panel = this.page.locator('.markers-panel');
    await panel.waitFor({ timeout: uiTimeoutMs });
    return (await panel.locator('.monaco-list-row').allInnerTexts()).map((text) => text.trim());
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
    await this.runCommand('Notifications: Clear All Notifications');
    await this.runCommand('View: Close All Editors');
    await this.page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached', timeout: uiTimeoutMs });
  }

  /**
   * Opens a quick input with `key` and types `value`. With `pick`, waits for the list row whose
   * label is exactly `pick` and clicks it (so the test picks what it meant even when the list
   * still shows older results or ranks a longer title first); without it, presses Enter.
   */
  private async quickInput(key: string, value: string, pick?: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('input.input');
    await this.page.keyboard.press(key);
    await input.waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await input.fill(value);
    if (pick === undefined) {
      await this.page.keyboard.press('Enter');
    } else {
      const label = this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(pick)}\\s*$`) });
      await widget.locator('.monaco-list-row').filter({ has: label }).first().click({ timeout: uiTimeoutMs });
    }
    await widget.waitFor({ state: 'hidden', timeout: uiTimeoutMs });
  }
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
