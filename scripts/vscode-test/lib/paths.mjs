// Where the harness finds the repo, its cache of installed VS Codes, Chromium and the fixture workspace.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Installed code-servers and the Node builds that run them (see scripts/ci/provision.sh). */
export const cacheRoot = process.env.CONV_LENS_CACHE_DIR ?? join(repoRoot, '.cache');
export const chromiumPath = process.env.CONV_LENS_CHROMIUM ?? '/usr/bin/chromium';

export const fixtureWorkspace = join(repoRoot, 'test/vscode/workspace');
export const resultsRoot = join(repoRoot, 'test-results');
export const screenshotDir = join(resultsRoot, 'screenshots');
