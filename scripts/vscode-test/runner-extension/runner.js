// The test runner of `"apiTestsVia": "installed"` (scripts/vscode-test/versions.json): in a VS Code
// whose web workbench ignores the extensionDevelopmentPath/extensionTestsPath payload of its URL,
// this extension, installed beside the Conv Lens .vsix, does what that payload would: it loads
// the bundled suite (test/vscode/index.ts) and calls its run(). scripts/vscode-test/run-api.mjs
// names the files through the environment, which code-server passes on to the extension host:
//   CONV_LENS_TEST_INDEX  the bundled test index to run
//   CONV_LENS_TEST_LOG    where the host's console output goes (the runner tails it)
//   CONV_LENS_TEST_DONE   written last: {"code": 0 | 1, "error": null | string}
// Without them (installed by hand) it does nothing.
'use strict';
const fs = require('fs');
const util = require('util');

/** Copies every console line of the extension host to the log file, as the URL payload's codeAutomationLog would. */
function teeConsole(logFile) {
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    const original = console[level].bind(console);
    const tee = (...args) => {
      try {
        fs.appendFileSync(logFile, `${JSON.stringify({ level, text: util.format(...args) })}\n`);
      } catch {
        // The log is a convenience; the results file decides the run.
      }
      original(...args);
    };
    // Newer extension hosts (1.139) forward the console through a getter whose setter ignores
    // assignment, so the property is redefined rather than assigned.
    Object.defineProperty(console, level, { value: tee, writable: true, configurable: true, enumerable: true });
  }
}

async function runSuite(index, doneFile) {
  let code = 0;
  let error = null;
  try {
    await require(index).run();
  } catch (e) {
    code = 1;
    error = String((e && e.stack) || e);
  }
  fs.writeFileSync(doneFile, JSON.stringify({ code, error }));
}

exports.activate = function activate() {
  const { CONV_LENS_TEST_INDEX: index, CONV_LENS_TEST_DONE: doneFile, CONV_LENS_TEST_LOG: logFile } = process.env;
  if (!index || !doneFile) return;
  if (logFile) teeConsole(logFile);
  // Not awaited: activation returns at once, and the suite runs in the started workbench.
  setTimeout(() => void runSuite(index, doneFile), 0);
};

exports.deactivate = function deactivate() {};
