// Bundles the editor tests with esbuild (no tsc emit): the API-level test index and every
// test/vscode/suite/*.test.ts become CommonJS files under out/vscode-tests/, which the
// extension host loads. `vscode` comes from the host and mocha from node_modules.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';

export const apiTestsOutDir = join(repoRoot, 'out/vscode-tests');
export const apiTestIndex = join(apiTestsOutDir, 'index.js');
const testsDir = join(repoRoot, 'test/vscode');

export function apiSuiteFiles() {
  return readdirSync(join(testsDir, 'suite'))
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => join(testsDir, 'suite', name));
}

export async function bundleApiSuite() {
  rmSync(apiTestsOutDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [join(testsDir, 'index.ts'), ...apiSuiteFiles()],
    outbase: testsDir,
    outdir: apiTestsOutDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return apiTestIndex;
}
