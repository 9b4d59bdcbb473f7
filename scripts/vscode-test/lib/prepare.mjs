// Steps both runners take before starting the editor.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromiumPath, repoRoot, resultsRoot } from './paths.mjs';
import { isInstalled } from './versions.mjs';

import { flagValue, hasFlag } from './args.mjs';

export { flagValue, hasFlag };

function runOrThrow(command, args, what) {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${what} failed (${result.status ?? result.signal})`);
}

/**
 * Runs scripts/ci/provision.sh for this run's code-server when it or Chromium is missing (it
 * skips what is there).
 */
export function ensureProvisioned(install) {
  if (isInstalled(install) && existsSync(chromiumPath)) return;
  console.log(`[harness] code-server ${install.codeServerVersion} or Chromium missing: running scripts/ci/provision.sh ${install.name}`);
  runOrThrow('bash', [join(repoRoot, 'scripts/ci/provision.sh'), install.name], 'scripts/ci/provision.sh');
}

export function buildExtension() {
  runOrThrow(process.execPath, [join(repoRoot, 'scripts/build.mjs')], 'npm run build');
}

export function packageExtension() {
  runOrThrow('npm', ['run', '--silent', 'package'], 'npm run package');
}

/**
 * The .vsix a run installs: `--vsix <file>`, else conv-lens.vsix, packaged first unless
 * `--no-package` says an earlier run of this session just did.
 */
export function packagedVsix() {
  const given = flagValue('--vsix');
  if (given) return resolve(given);
  if (!hasFlag('--no-package')) packageExtension();
  const path = join(repoRoot, 'conv-lens.vsix');
  if (!existsSync(path)) throw new Error(`${path} does not exist: run npm run package`);
  return path;
}

/** A folder under test-results/ for this run's logs. */
export function resultsDir(label) {
  const dir = join(resultsRoot, label);
  mkdirSync(dir, { recursive: true });
  return dir;
}
