// `"apiTestsVia": "installed"` (versions.json): the API suite runs through a small extension
// installed beside the Conv Lens .vsix (runner-extension/), for VS Codes whose web workbench
// ignores the test payload in the URL. This packages that extension and follows its run.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';

const require = createRequire(import.meta.url);

/** Packages scripts/vscode-test/runner-extension into `vsixPath` with vsce (no dependencies, nothing fetched). */
export async function packageRunnerExtension(vsixPath) {
  const { createVSIX } = require('@vscode/vsce');
  await createVSIX({
    cwd: join(repoRoot, 'scripts/vscode-test/runner-extension'),
    packagePath: vsixPath,
    dependencies: false,
    allowMissingRepository: true,
    skipLicense: true,
  });
  return vsixPath;
}

/** What the runner extension is told through code-server's environment (see runner.js). */
export function runnerEnv(files) {
  return { CONV_LENS_TEST_INDEX: files.index, CONV_LENS_TEST_DONE: files.done, CONV_LENS_TEST_LOG: files.log };
}

/**
 * Resolves with the suite's exit code once the runner has written `files.done`, handing each
 * console line of the extension host to `onLog(level, text)` meanwhile.
 */
export function followRunner(files, onLog) {
  let read = 0;
  const drain = () => {
    if (!existsSync(files.log)) return;
    const text = readFileSync(files.log, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    for (const line of text.slice(read, end).split('\n')) {
      if (!line) continue;
      try {
        const { level, text: message } = JSON.parse(line);
        onLog(level, message);
      } catch {
        onLog('log', line);
      }
    }
    read = end;
  };
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      drain();
      if (!existsSync(files.done)) return;
      clearInterval(timer);
      drain();
      const done = JSON.parse(readFileSync(files.done, 'utf8'));
      if (done.error) console.error(`[harness] the runner extension reports: ${done.error.split('\n')[0]}`);
      resolve(done.code);
    }, 250);
  });
}
