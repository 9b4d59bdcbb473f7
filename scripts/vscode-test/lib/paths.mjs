// Where the harness finds the repo, code-server, Chromium and the fixture workspace.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const codeServerVersion = '4.100.3';
export const codeServerPrefix = process.env.CONV_LENS_CODE_SERVER_DIR ?? join(repoRoot, '.cache/code-server');
export const codeServerEntry = join(codeServerPrefix, 'node_modules/code-server/out/node/entry.js');
export const chromiumPath = process.env.CONV_LENS_CHROMIUM ?? '/usr/bin/chromium';

export const fixtureWorkspace = join(repoRoot, 'test/vscode/workspace');
export const resultsRoot = join(repoRoot, 'test-results');
export const screenshotDir = join(resultsRoot, 'screenshots');

/** True when scripts/ci/provision.sh has finished installing everything the runners need. */
export function isProvisioned() {
  return existsSync(join(codeServerPrefix, `.provisioned-${codeServerVersion}`))
    && existsSync(codeServerEntry)
    && existsSync(chromiumPath);
}
