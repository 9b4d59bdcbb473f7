// Lets mocha load TypeScript directly: each .ts file is transpiled by esbuild on require,
// without type-checking (that is `npm run typecheck`'s job), so tests start in milliseconds.
'use strict';
const { transformSync } = require('esbuild');
const fs = require('node:fs');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    target: 'es2022',
    sourcefile: filename,
    sourcemap: 'inline',
  });
  module._compile(code, filename);
};
process.setSourceMapsEnabled?.(true);
