// The extension host calls run() when VS Code starts with --extensionTestsPath (the contract of
// @vscode/test-electron, which scripts/vscode-test/run-api.mjs reproduces with code-server).
// It runs mocha over every bundled suite/*.test.js; both the bdd (describe/it/before) and the
// tdd (suite/test/suiteSetup) interfaces are available to test files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';

/**
 * The extension host forwards console output to the workbench's log together with everything
 * else the workbench logs; this prefix lets the runner pick out the reporter's lines.
 */
const testOutputMarker = '[conv-lens-test] ';

interface FailedTest {
  title: string;
  message: string;
}

interface TestResults {
  passed: number;
  failed: number;
  pending: number;
  failures: FailedTest[];
}

function createMocha(): Mocha {
  // Formatting here keeps printf-style arguments from reaching the workbench as a raw array.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(testOutputMarker + util.format(...args));
  const mocha = new Mocha({
    ui: 'bdd',
    color: process.env.CONV_LENS_TEST_COLOR === '1',
    timeout: 30_000,
    reporter: 'spec',
  });
  // Calling ui() again adds the second interface's globals beside the first one's.
  mocha.ui('tdd');
  const grep = process.env.CONV_LENS_TEST_GREP;
  if (grep) mocha.grep(grep);
  return mocha;
}

function suiteFiles(): string[] {
  const dir = path.join(__dirname, 'suite');
  return fs.readdirSync(dir).filter((name) => name.endsWith('.test.js')).sort().map((name) => path.join(dir, name));
}

function runMocha(mocha: Mocha): Promise<TestResults> {
  const results: TestResults = { passed: 0, failed: 0, pending: 0, failures: [] };
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve(results));
    runner.on('pass', () => { results.passed++; });
    runner.on('pending', () => { results.pending++; });
    runner.on('fail', (test, error: Error) => {
      results.failed++;
      results.failures.push({ title: test.fullTitle(), message: String(error?.stack ?? error) });
    });
  });
}

export async function run(): Promise<void> {
  const mocha = createMocha();
  for (const file of suiteFiles()) mocha.addFile(file);
  const results = await runMocha(mocha);
  // The runner reads this file for its closing summary (and to notice a run that ran no test).
  const resultsFile = process.env.CONV_LENS_TEST_RESULTS;
  if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  if (results.failed > 0) throw new Error(`${results.failed} editor test(s) failed.`);
}
