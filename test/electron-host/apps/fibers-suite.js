// One file of node-fibers' suite (argv[2]) run as an Electron app's main script runs:
// on the UI thread, with the libuv loop driven by the embed thread. Electron does not end
// when the event loop is empty, so the app quits once the file has printed its verdict
// (`pass`) and two more turns of the loop have run; what it wrote is checked by the test.
'use strict';
const path = require('node:path');
const { Module } = require('node:module');
const { app } = require('electron');

// node-fibers' runner finds `fibers` through NODE_PATH; the host's embedder starts Node
// without reading it, so read it here.
Module._initPaths();

let written = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  written += String(chunk);
  if (written.endsWith('pass\n')) setImmediate(() => setImmediate(() => app.quit()));
  return write(chunk, ...rest);
};
require(path.resolve(process.argv[2]));
