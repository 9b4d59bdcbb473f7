// Standard @vscode/test-cli configuration, for machines that can download VS Code
// (`npx vscode-test`, or `npx vscode-test --label oldest`). It runs the same bundled API-level
// suite as `npm run test:vscode`, which needs no download (code-server from npm, see
// scripts/vscode-test/run-api.mjs) and is what CI runs: here in the oldest VS Code that
// package.json's engines names (the one scripts/vscode-test/versions.json calls oldest) and in
// the current stable release.
import { readFileSync } from 'node:fs';
import { defineConfig } from '@vscode/test-cli';
import { bundleApiSuite } from './scripts/vscode-test/lib/bundle.mjs';

await bundleApiSuite();

const versions = JSON.parse(readFileSync(new URL('./scripts/vscode-test/versions.json', import.meta.url), 'utf8')).versions;
const suite = {
  files: 'out/vscode-tests/suite/*.test.js',
  workspaceFolder: 'test/vscode/workspace',
  mocha: { ui: 'bdd', timeout: 30_000 },
  launchArgs: ['--disable-extensions'],
};

export default defineConfig([
  { label: 'oldest', version: versions.oldest.vscode, ...suite },
  { label: 'stable', version: 'stable', ...suite },
]);
