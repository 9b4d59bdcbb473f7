// Starts the desktop analysis worker from its TypeScript source, for the tests (the extension
// starts the bundle, dist/analysisWorker.js, built from the same file).
'use strict';
require('../../register.js');
require('../../../src/worker/node.ts');
