#!/usr/bin/env node
// Builds the Electron-shaped host for the Node the tests will run it on (see runtime.js);
// run by `npm run pretest`. Says so and succeeds when the host is skipped here.
'use strict';
const { hostMajor, ensureHost } = require('./runtime');

const choice = hostMajor();
if (choice.skip) {
  console.log(`electron-host: not built: ${choice.skip}`);
} else {
  const started = Date.now();
  const host = ensureHost(choice.major);
  console.log(`electron-host: ready for Node ${host.version} (${host.library}, ${Date.now() - started} ms)`);
}
