// Shared by the test apps run in the Electron-shaped host: report() to the test process,
// and a record of everything that could go wrong unseen (unhandled rejections, warnings,
// dialogs: Electron shows an uncaught exception in one) and of the quit sequence.
'use strict';
const { app } = require('electron');
const testing = require('electron-host/testing');

const { report } = testing;

function describe(error) {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// Not 'window-all-closed': a listener of its own would stop Electron's default quit.
for (const name of ['before-quit', 'will-quit', 'quit']) {
  app.on(name, () => report(name, { ui: testing.isUiThread() }));
}
process.on('exit', (code) => report('exit', { code, ui: testing.isUiThread() }));
process.on('unhandledRejection', (error) => report('unhandledRejection', { error: describe(error) }));
process.on('warning', (warning) => report('warning', { error: describe(warning) }));
testing.user.onDialog(({ kind, options }) => report('dialog', { kind, message: options.message, detail: options.detail }));

/** The scenario named on the command line, from `scenarios`; reports 'unknown' otherwise. */
function runScenario(scenarios) {
  const name = process.argv[2];
  const scenario = scenarios[name];
  if (scenario === undefined) {
    report('unknown scenario', { name });
    app.exit(99);
    return;
  }
  scenario();
}

module.exports = { report, describe, testing, runScenario };
