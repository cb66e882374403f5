// What Electron's browser process runs before the app (lib/common/init.ts and
// lib/browser/init.ts), then the app's main script. The host passes this file as
// argv[1]; Electron takes its own init script out of argv the same way.
'use strict';
process.argv.splice(1, 1);

const Module = require('node:module');
const path = require('node:path');
const timers = require('node:timers');
const { binding } = require('./electron/binding');

// lib/common/init.ts: "since we only run uv loop on requests, the callbacks wouldn't be
// called until something else activated the uv loop": nextTick, setImmediate, setTimeout
// and setInterval wake it (process.activateUvLoop).
process.activateUvLoop = () => binding.activateUvLoop();
function wrapWithActivateUvLoop(func) {
  return function (...args) {
    process.activateUvLoop();
    return func.apply(this, args);
  };
}
process.nextTick = wrapWithActivateUvLoop(process.nextTick);
global.setImmediate = timers.setImmediate = wrapWithActivateUvLoop(timers.setImmediate);
timers.setTimeout = wrapWithActivateUvLoop(timers.setTimeout);
timers.setInterval = wrapWithActivateUvLoop(timers.setInterval);
global.setTimeout = timers.setTimeout;
global.setInterval = timers.setInterval;

// require('electron') and its aliases resolve to the stand-in; electron-host/testing is
// the host's test API (Electron has test-only bindings behind a switch, too).
const modules = {
  electron: path.join(__dirname, 'electron', 'index.js'),
  'electron/main': path.join(__dirname, 'electron', 'index.js'),
  'electron/common': path.join(__dirname, 'electron', 'index.js'),
  'electron-host/testing': path.join(__dirname, 'testing.js'),
};
const originalResolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return Object.hasOwn(modules, request) ? modules[request] : originalResolveFilename.call(this, request, ...rest);
};

const { app, finishLaunching } = require('./electron/app');
const { dialog } = require('./electron/dialog');
const renderers = require('./electron/renderers');

// lib/browser/init.ts: "Don't quit on fatal error."
process.on('uncaughtException', function (error) {
  if (process.listenerCount('uncaughtException') > 1) return;
  const stack = error?.stack ? error.stack : `${error?.name}: ${error?.message}`;
  dialog.showErrorBox('A JavaScript error occurred in the main process', `Uncaught Exception:\n${stack}`);
});

// "Emit 'exit' event on quit."
app.on('quit', (_event, exitCode) => {
  process.emit('exit', exitCode);
});

// "Map process.exit to app.exit, which quits gracefully."
process.exit = (code) => {
  if (code !== undefined) process.exitCode = code;
  app.exit(process.exitCode || 0);
};

// "Quit when all windows are closed and no other one is listening to this."
app.on('window-all-closed', () => {
  if (app.listenerCount('window-all-closed') === 1) app.quit();
});

binding.setFinishLaunching(finishLaunching);
if (renderers.linked) {
  binding.setLinkHandler((line) => {
    if (line !== null) renderers.fromRenderer(JSON.parse(line));
  });
}

// Load the app's main script (default_app runs `electron main.js` like this, and its
// loadApplicationPackage flags the process as started from the default app first; a
// packaged app, ELECTRON_HOST_PACKAGED=1 here, starts without default_app).
if (process.env.ELECTRON_HOST_PACKAGED !== '1') {
  Object.defineProperty(process, 'defaultApp', { configurable: false, enumerable: true, value: true });
}
const main = path.resolve(process.argv[1]);
app.setAppPath(path.dirname(main));
process.argv[1] = main;
Module._load(main, null, true);
