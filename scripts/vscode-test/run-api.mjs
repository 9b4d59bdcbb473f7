// API-level editor tests: runs test/vscode/suite/*.test.ts inside the extension host of a real
// VS Code (code-server, offline), with Conv Lens loaded from this repo as a development extension.
//
//   npm run test:vscode                     (or: node scripts/vscode-test/run-api.mjs)
//   npm run test:vscode -- --grep hover     only tests whose title matches
//   npm run test:vscode -- --no-build       reuse dist/extension.js as it is
//   npm run test:vscode -- --vscode oldest  in another VS Code of scripts/vscode-test/versions.json
//
// A version with `"apiTestsVia": "installed"` (its workbench ignores the URL's test payload) runs
// the same suite another way: the packaged .vsix (`npm run package`, or --no-package / --vsix
// as for test:ui) and runner-extension/ are installed, and the runner calls the suite's run().
//
// To add tests, create test/vscode/suite/<area>.test.ts: mocha's describe/it (or suite/test)
// with `import * as vscode from 'vscode'`, calling activateConvLens() from ./helpers in before().
// Every *.test.ts there is bundled and run; nothing needs registering. The workspace is a fresh
// copy of test/vscode/workspace/. Logs go to test-results/vscode-api/ (vscode-api-<name>/ for a
// version other than the default), a screenshot of the workbench too when the run fails.
// Env: CONV_LENS_VSCODE_TIMEOUT_MS (default 600000), CONV_LENS_VSCODE (a version's name).
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleApiSuite } from './lib/bundle.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { deadlineMs, finish, onCleanup, startDeadline } from './lib/cleanup.mjs';
import { repoRoot } from './lib/paths.mjs';
import { buildExtension, ensureProvisioned, flagValue, hasFlag, packagedVsix, resultsDir } from './lib/prepare.mjs';
import { followRunner, packageRunnerExtension, runnerEnv } from './lib/runner-extension.mjs';
import { installExtension, startCodeServer } from './lib/code-server.mjs';
import { createRunDir, removeRunDir, runEnv } from './lib/run-dir.mjs';
import { describeInstall, perVersion, selectedInstall } from './lib/versions.mjs';

const label = 'vscode-api';
const logDir = resultsDir(perVersion(label));
let vscodeDescription = '';
const resultsFile = join(logDir, 'results.json');
let page;

async function screenshotOnFailure() {
  if (!page) return;
  const path = join(logDir, 'failure.png');
  await page.screenshot({ path, timeout: 5_000 });
  console.error(`[harness] screenshot of the workbench: ${path}`);
}

/** The URL that makes the web workbench load a development extension and run its tests. */
function testUrl(server, workspace, testIndex) {
  const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload = [['extensionDevelopmentPath', remote(repoRoot)], ['extensionTestsPath', remote(testIndex)]];
  return `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Must match testOutputMarker in test/vscode/index.ts. */
const testOutputMarker = '[conv-lens-test] ';
const workbenchLog = [];

let testsStarted = false;

/**
 * Streams the extension host's test output (mocha's reporter) to this terminal. The rest of the
 * workbench's log goes to workbench.log; once tests run, its messages (where what tests and the
 * extension print with console.log ends up, unmarked: the host does not let the index wrap the
 * console) are shown too, one line each, after "[host]". CONV_LENS_VERBOSE=1 shows all of it.
 */
function onWorkbenchLog(level, message) {
  const text = String(message);
  const at = text.indexOf(testOutputMarker);
  if (at >= 0) {
    testsStarted = true;
    process.stdout.write(`${text.slice(at + testOutputMarker.length)}\n`);
    return;
  }
  workbenchLog.push(`[${level}] ${text}`);
  if (process.env.CONV_LENS_VERBOSE) console.log(`[workbench ${level}] ${text}`);
  else if (testsStarted) console.log(`      [host ${level}] ${text.split('\n')[0]}`);
}

function readResults() {
  if (!existsSync(resultsFile)) return undefined;
  return JSON.parse(readFileSync(resultsFile, 'utf8'));
}

function summarize(exitCode) {
  const results = readResults();
  if (!results) {
    console.error(`[harness] the test index wrote no results (exit code ${exitCode}); the workbench's log (look for activation errors):`);
    for (const line of workbenchLog.slice(-40)) console.error(`  ${line}`);
    return 1;
  }
  console.log(`\n${label} in ${vscodeDescription}: ${results.passed} passed, ${results.failed} failed` + (results.pending ? `, ${results.pending} skipped` : ''));
  if (results.passed + results.failed === 0) {
    console.error('[harness] no editor test ran');
    return 1;
  }
  return exitCode === 0 && results.failed === 0 ? 0 : 1;
}

async function main() {
  const started = Date.now();
  startDeadline(deadlineMs(600_000), label, screenshotOnFailure);
  ensureProvisioned(selectedInstall);
  vscodeDescription = describeInstall(selectedInstall);
  console.log(`[harness] ${label} in ${vscodeDescription}`);
  const installed = selectedInstall.apiTestsVia === 'installed';
  const vsix = installed ? packagedVsix() : undefined;
  if (!installed && !hasFlag('--no-build')) buildExtension();
  // A folder of this run's own, so runs started at the same time in one tree do not swap bundles.
  const bundleDir = join(repoRoot, 'out/vscode-test-runs', `api-${process.pid}`);
  onCleanup(() => rmSync(bundleDir, { recursive: true, force: true }));
  const testIndex = await bundleApiSuite(bundleDir);
  rmSync(resultsFile, { force: true });
  rmSync(join(logDir, 'failure.png'), { force: true });

  const dirs = createRunDir(label);
  onCleanup(() => removeRunDir(dirs));
  const runner = { index: testIndex, done: join(dirs.root, 'runner-done.json'), log: join(dirs.root, 'runner-console.log') };
  const env = runEnv(dirs, {
    ...(installed ? runnerEnv(runner) : {}),
    CONV_LENS_TEST_RESULTS: resultsFile,
    // Where the suite finds the CLI (bin/conv-lens.js), which the installed .vsix does not ship.
    CONV_LENS_REPO_ROOT: repoRoot,
    CONV_LENS_TEST_GREP: flagValue('--grep') ?? '',
    CONV_LENS_TEST_COLOR: process.stdout.isTTY ? '1' : '0',
    // A stand-in torchvision, found the way the desktop extension finds installed packages.
    PYTHONPATH: join(repoRoot, 'test/vscode/site-packages'),
  });
  if (installed) {
    // Copies of their own, in case another run in this tree packages again meanwhile.
    const vsixCopy = join(dirs.root, 'conv-lens.vsix');
    copyFileSync(vsix, vsixCopy);
    installExtension(dirs, env, vsixCopy);
    installExtension(dirs, env, await packageRunnerExtension(join(dirs.root, 'conv-lens-test-runner.vsix')));
    console.log(`[harness] ${vsix} and the test runner extension installed`);
  }
  const server = await startCodeServer(dirs, env, join(logDir, 'code-server.log'));
  onCleanup(server.stop);
  const browser = await launchBrowser();
  onCleanup(browser.close);
  page = browser.page;

  const exited = new Promise((resolve) => {
    void page.exposeFunction('codeAutomationExit', (code) => resolve(code));
  });
  await page.exposeFunction('codeAutomationLog', onWorkbenchLog);
  onCleanup(() => writeFileSync(join(logDir, 'workbench.log'), workbenchLog.join('\n')));
  const consoleLog = [];
  page.on('console', (message) => consoleLog.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLog.push(`[pageerror] ${error.stack ?? error}`));
  onCleanup(() => writeFileSync(join(logDir, 'browser-console.log'), consoleLog.join('\n')));

  console.log(`[harness] code-server ${server.url} (pid ${server.pid}), Chromium pid ${browser.pid}`);
  // Not the load event: newer workbenches keep loading resources long after they run.
  const url = installed ? `${server.url}/?folder=${encodeURIComponent(dirs.workspace)}` : testUrl(server, dirs.workspace, testIndex);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  const exitCode = await (installed ? followRunner(runner, onWorkbenchLog) : exited);
  const status = summarize(exitCode);
  if (status !== 0) await screenshotOnFailure().catch(() => undefined);
  console.log(`[harness] ${label} in ${vscodeDescription} finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await finish(status);
}

main().catch(async (error) => {
  console.error(`[harness] ${label} failed: ${error?.stack ?? error}`);
  await screenshotOnFailure().catch(() => undefined);
  await finish(1);
});
