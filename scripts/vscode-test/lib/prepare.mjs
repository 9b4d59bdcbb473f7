// Steps both runners take before starting the editor.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isProvisioned, repoRoot, resultsRoot } from './paths.mjs';

function runOrThrow(command, args, what) {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${what} failed (${result.status ?? result.signal})`);
}

/** Runs scripts/ci/provision.sh when code-server or Chromium is missing (it skips what is there). */
export function ensureProvisioned() {
  if (isProvisioned()) return;
  console.log('[harness] code-server or Chromium missing: running scripts/ci/provision.sh');
  runOrThrow('bash', [join(repoRoot, 'scripts/ci/provision.sh')], 'scripts/ci/provision.sh');
}

export function buildExtension() {
  runOrThrow(process.execPath, [join(repoRoot, 'scripts/build.mjs')], 'npm run build');
}

export function packageExtension() {
  runOrThrow('npm', ['run', '--silent', 'package'], 'npm run package');
}

/** A folder under test-results/ for this run's logs. */
export function resultsDir(label) {
  const dir = join(resultsRoot, label);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function hasFlag(name) {
  return process.argv.includes(name);
}

export function flagValue(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}
