// Runs the API-level and the UI-level editor suites in every VS Code of
// scripts/vscode-test/versions.json (oldest first) that lists them under `suites`, one run at a
// time, and closes with how long each took and which suites a version leaves out, and why. Every run happens even when an earlier one failed; the exit code is 1 if any did.
//
//   npm run test:editors                        (what `npm test` runs)
//   npm run test:editors -- --vscode oldest     one version only
//
// The API runs come first: those that load the extension from source (the URL payload) build it
// once; then those that install the .vsix (`"apiTestsVia": "installed"`) and the UI runs package
// it once and install that .vsix everywhere (packaging makes the production build, which the
// source runs would otherwise pick up).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { flagValue } from './lib/args.mjs';
import { repoRoot } from './lib/paths.mjs';
import { codeServerInstall, versionNames } from './lib/versions.mjs';

const names = flagValue('--vscode') ? [flagValue('--vscode')] : versionNames;
const installs = names.map(codeServerInstall);

function run(script, name, extraArgs) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts/vscode-test', script), '--vscode', name, ...extraArgs], {
    cwd: repoRoot, stdio: 'inherit',
  });
  return { suite: script === 'run-api.mjs' ? 'api' : 'ui', name, ok: result.status === 0, seconds: (Date.now() - started) / 1000 };
}

const runs = [];
const apiInstalls = installs.filter((install) => install.suites.includes('api'));
const fromSource = apiInstalls.filter((install) => install.apiTestsVia !== 'installed');
let packaged = false;
fromSource.forEach((install, i) => runs.push(run('run-api.mjs', install.name, i === 0 ? [] : ['--no-build'])));
for (const install of apiInstalls.filter((i) => i.apiTestsVia === 'installed')) {
  runs.push(run('run-api.mjs', install.name, packaged ? ['--no-package'] : []));
  packaged = true;
}
for (const install of installs.filter((i) => i.suites.includes('ui'))) {
  runs.push(run('run-ui.mjs', install.name, packaged ? ['--no-package'] : []));
  packaged = true;
}

console.log('\n[harness] editor suites per VS Code (scripts/vscode-test/versions.json):');
for (const { suite, name, ok, seconds } of runs) {
  console.log(`  ${suite.padEnd(3)} ${name.padEnd(8)} ${ok ? 'passed' : 'FAILED'} in ${seconds.toFixed(1)} s`);
}
console.log(`  total ${runs.reduce((sum, r) => sum + r.seconds, 0).toFixed(1)} s`);
for (const install of installs.filter((i) => i.gaps)) {
  console.log(`  not run in ${install.name} (code-server ${install.codeServerVersion}): ${install.gaps}`);
}
process.exit(runs.every((r) => r.ok) ? 0 : 1);
