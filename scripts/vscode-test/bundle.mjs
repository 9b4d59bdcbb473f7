// Bundles the API-level editor tests into out/vscode-tests/ (used by .vscode-test.mjs too).
import { bundleApiSuite } from './lib/bundle.mjs';

console.log(`bundled ${await bundleApiSuite()}`);
