#!/usr/bin/env node
'use strict';
// The CLI is bundled into dist/cli.js by `npm run build` (which `npm install` runs through "prepare").
require('../dist/cli.js').runFromProcess();
