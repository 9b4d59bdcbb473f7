import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What the .vsix may hold: the run-time bundles and assets, and the documents shown on its page. */
const ALLOWED = [
  /^package\.json$/, /^README\.md$/, /^CHANGELOG\.md$/, /^LICENSE$/, /^media\/icon\.png$/, /^media\/webview\/[\w-]+\.css$/,
  /^dist\/extension\.js$/, /^dist\/web\/extension\.js$/, /^dist\/analysisWorker\.js$/, /^dist\/web\/analysisWorker\.js$/, /^dist\/webview\/\w+\.js$/, /^dist\/kernel\/[\w-]+\.wasm$/,
];
const REQUIRED = ['package.json', 'dist/extension.js', 'dist/web/extension.js', 'dist/analysisWorker.js', 'dist/web/analysisWorker.js', 'dist/webview/main.js', 'dist/webview/sandboxWorker.js', 'dist/kernel/conv-simd.wasm', 'dist/kernel/conv-relaxed.wasm', 'media/icon.png'];

describe('packaging: the .vsix holds only what runs', function () {
  this.timeout(60_000);
  before(function () {
    // `vsce ls` lists what `npm run package` would put in the .vsix; the files must be built first.
    if (!existsSync('dist/extension.js')) this.skip();
  });

  it('lists every run-time file and nothing else (vsce ls)', () => {
    const listed = execFileSync(process.execPath, ['node_modules/@vscode/vsce/vsce', 'ls', '--no-dependencies'], { encoding: 'utf8' })
      .split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
    const unexpected = listed.filter((f) => !ALLOWED.some((re) => re.test(f)));
    assert.deepEqual(unexpected, [], 'files that would ship but are not needed at run time');
    for (const file of REQUIRED) assert.ok(listed.includes(file), `${file} is missing from the .vsix`);
  });
});
