// Copies the screenshots the UI tests take (test-results/, git-ignored) to docs/images/, where the
// README shows them. Run `npm run test:ui && npm run test:browser` first, then `npm run screenshots`.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const shots = {
  'test-results/screenshots/editor-hover-grouped.png': 'hover.png',
  'test-results/screenshots/editor-problem.png': 'diagnostic.png',
  'test-results/screenshots/editor-fixed.png': 'quick-fix-applied.png',
  'test-results/screenshots/editor-report.png': 'report.png',
  'test-results/screenshots/compare-panel.png': 'compare-panel.png',
  'test-results/screenshots/sandbox-run.png': 'sandbox-run.png',
  'test-results/webview/compare-dark.png': 'compare-dark.png',
  'test-results/screenshots/model-view.png': 'model-view-vscode.png',
  'test-results/webview/model-view.png': 'model-view.png',
  'test-results/webview/model-view-whatif.png': 'model-view-whatif.png',
  'test-results/webview/model-view-run.png': 'model-view-run.png',
};

mkdirSync('docs/images', { recursive: true });
const missing = Object.keys(shots).filter((from) => !existsSync(from));
if (missing.length > 0) {
  console.error(`missing screenshots (run the UI and browser tests first): ${missing.join(', ')}`);
  process.exit(1);
}
for (const [from, to] of Object.entries(shots)) copyFileSync(from, `docs/images/${to}`);
console.log(`copied ${Object.keys(shots).length} screenshots to docs/images/`);
