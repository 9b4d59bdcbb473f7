// Standard @vscode/test-cli configuration, for machines that can download VS Code
// (`npx vscode-test`). It runs the same bundled API-level suite as `npm run test:vscode`, which
// needs no download (code-server from npm, see scripts/vscode-test/run-api.mjs) and is what CI runs.
import { defineConfig } from '@vscode/test-cli';
import { bundleApiSuite } from './scripts/vscode-test/lib/bundle.mjs';

await bundleApiSuite();

export default defineConfig({
  files: 'out/vscode-tests/suite/*.test.js',
  workspaceFolder: 'test/vscode/workspace',
  mocha: { ui: 'bdd', timeout: 30_000 },
  launchArgs: ['--disable-extensions'],
});
