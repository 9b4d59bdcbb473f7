// UI-level editor tests: installs the packaged conv-lens.vsix into a real VS Code (code-server,
// offline), opens the fixture workspace in headless Chromium and runs test/vscode/ui/*.test.ts,
// which drive the window through Playwright as a person would.
//
//   npm run test:ui                         (packages the .vsix first: npm run package)
//   npm run test:ui -- --no-package         reuse conv-lens.vsix as it is
//   npm run test:ui -- --vsix other.vsix    test another package
//   npm run test:ui -- --grep hover         only tests whose title matches
//   npm run test:ui -- --vscode oldest      in another VS Code of scripts/vscode-test/versions.json
//
// To add tests, create test/vscode/ui/<area>.test.ts with mocha's describe/it, get the window
// with workbench() from ./workbench (openFile, runCommand, hover, codeLensTexts, webview,
// quickFixTitles/applyQuickFix, problems, notifications, screenshot) and call reset() in
// afterEach. Every *.test.ts there runs, in one window, in file name order. Screenshots go to
// test-results/screenshots/ (a failing test leaves FAILED-<title>.png there), logs to
// test-results/vscode-ui/ (screenshots-<name>/ and vscode-ui-<name>/ for a version other than
// the default). Env: CONV_LENS_VSCODE_TIMEOUT_MS (default 600000), CONV_LENS_VSCODE (a version's name).
import { copyFileSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { deadlineMs, finish, onCleanup, startDeadline } from './lib/cleanup.mjs';
import { installExtension, startCodeServer } from './lib/code-server.mjs';
import { repoRoot, resultsRoot } from './lib/paths.mjs';
import { ensureProvisioned, flagValue, packagedVsix, resultsDir } from './lib/prepare.mjs';
import { createRunDir, removeRunDir, runEnv } from './lib/run-dir.mjs';
import { describeInstall, perVersion, selectedInstall, vscodeVersionOf } from './lib/versions.mjs';

const label = 'vscode-ui';
const logDir = resultsDir(perVersion(label));
const screenshotDir = join(resultsRoot, perVersion('screenshots'));
const uiTestsDir = join(repoRoot, 'test/vscode/ui');
const require = createRequire(import.meta.url);
let page;

async function screenshot(name) {
  if (!page) return;
  const path = join(screenshotDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path, timeout: 5_000, animations: 'disabled' });
  console.error(`[harness] screenshot: ${path}`);
}

/** Waits until the workbench shows the fixture workspace in the Explorer. */
async function waitForWorkbench() {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'mobilenet_block.py' }).waitFor({ timeout: 60_000 });
}

function uiTestFiles() {
  return readdirSync(uiTestsDir).filter((name) => name.endsWith('.test.ts')).sort().map((name) => join(uiTestsDir, name));
}

/** Runs the UI test files with mocha in this process (TypeScript through test/register.js). */
function runMocha(info) {
  require(join(repoRoot, 'test/register.js'));
  const workbench = require(join(uiTestsDir, 'workbench.ts')).attachWorkbench(page, info);
  const Mocha = require('mocha');
  // Generous: a test takes several steps that each may wait uiTimeoutMs, and the newest
  // workbench on a loaded 2-core machine took over a minute for one with a window reload.
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, reporter: 'spec', color: process.stdout.isTTY });
  const grep = flagValue('--grep');
  if (grep) mocha.grep(grep);
  for (const file of uiTestFiles()) mocha.addFile(file);
  const counts = { passed: 0, failed: 0, pending: 0 };
  return new Promise((resolveRun) => {
    const runner = mocha.run(() => resolveRun(counts));
    runner.on('pass', () => { counts.passed++; });
    runner.on('pending', () => { counts.pending++; });
    runner.on('fail', (test) => {
      counts.failed++;
      workbench.recordFailure(test.fullTitle());
    });
  });
}

async function main() {
  const started = Date.now();
  startDeadline(deadlineMs(600_000), label, () => screenshot('TIMEOUT'));
  ensureProvisioned(selectedInstall);
  const vscodeDescription = describeInstall(selectedInstall);
  console.log(`[harness] ${label} in ${vscodeDescription}`);
  const vsix = packagedVsix();
  // No FAILED-*.png left from an earlier run.
  for (const name of existsSync(screenshotDir) ? readdirSync(screenshotDir) : []) {
    if (name.startsWith('FAILED-')) rmSync(join(screenshotDir, name), { force: true });
  }

  const dirs = createRunDir(label);
  onCleanup(() => removeRunDir(dirs));
  const env = runEnv(dirs);
  // A copy of its own, in case another run in this tree packages again meanwhile.
  const vsixCopy = join(dirs.root, 'conv-lens.vsix');
  copyFileSync(vsix, vsixCopy);
  installExtension(dirs, env, vsixCopy);
  const server = await startCodeServer(dirs, env, join(logDir, 'code-server.log'));
  onCleanup(server.stop);
  const browser = await launchBrowser();
  onCleanup(browser.close);
  page = browser.page;
  const consoleLog = [];
  page.on('console', (message) => consoleLog.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLog.push(`[pageerror] ${error.stack ?? error}`));
  onCleanup(() => writeFileSync(join(logDir, 'browser-console.log'), consoleLog.join('\n')));

  console.log(`[harness] ${vsix} installed; code-server ${server.url} (pid ${server.pid}), Chromium pid ${browser.pid}`);
  // Not the load event: newer workbenches keep loading resources long after they run.
  await page.goto(`${server.url}/?folder=${encodeURIComponent(dirs.workspace)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await waitForWorkbench();
  const counts = await runMocha({ workspace: dirs.workspace, screenshotDir, vscodeVersion: vscodeVersionOf(selectedInstall) });

  console.log(`\n${label} in ${vscodeDescription}: ${counts.passed} passed, ${counts.failed} failed` + (counts.pending ? `, ${counts.pending} skipped` : ''));
  const ranNone = counts.passed + counts.failed === 0;
  if (ranNone) console.error('[harness] no UI test ran');
  console.log(`[harness] ${label} in ${vscodeDescription} finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await finish(counts.failed > 0 || ranNone ? 1 : 0);
}

main().catch(async (error) => {
  console.error(`[harness] ${label} failed: ${error?.stack ?? error}`);
  await screenshot('FAILED-harness').catch(() => undefined);
  await finish(1);
});
