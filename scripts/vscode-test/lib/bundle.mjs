// Bundles the editor tests with esbuild (no tsc emit): the API-level test index and every
// test/vscode/suite/*.test.ts become CommonJS files under out/vscode-tests/, which the
// extension host loads. `vscode` comes from the host and mocha from node_modules.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';

export const apiTestsOutDir = join(repoRoot, 'out/vscode-tests');
const testsDir = join(repoRoot, 'test/vscode');

export function apiSuiteFiles() {
  return readdirSync(join(testsDir, 'suite'))
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => join(testsDir, 'suite', name));
}

/**
 * Bundles into `outDir` (default out/vscode-tests/, which .vscode-test.mjs reads) and returns the
 * test index's path. The folder must stay inside the repo so the bundles find mocha in node_modules.
 */
export async function bundleApiSuite(outDir = apiTestsOutDir) {
  rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [join(testsDir, 'index.ts'), ...apiSuiteFiles()],
    outbase: testsDir,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return join(outDir, 'index.js');
}
