#!/usr/bin/env node
// Builds the test-only Node-API addon in test/affine-addon (run by `npm run pretest`).
// Skips the build when build/Release/affine.node exists and is newer than affine.cc.
// A Node-API addon built once loads under every Node major, so the CI builds it with
// whichever Node runs first and reuses it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const addonDir = path.join(root, 'test', 'affine-addon');
const source = path.join(addonDir, 'affine.cc');
const output = path.join(addonDir, 'build', 'Release', 'affine.node');

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

const built = mtime(output);
const sourceTime = mtime(source);
if (sourceTime === null) {
  console.error(`build-test-addon: ${path.relative(root, source)} is missing`);
  process.exit(1);
}
if (built !== null && built > sourceTime && !process.argv.includes('--force')) {
  console.log('build-test-addon: test/affine-addon is up to date');
  process.exit(0);
}

const nodeGyp = path.join(root, 'node_modules', '.bin', 'node-gyp');
if (!fs.existsSync(nodeGyp)) {
  console.error('build-test-addon: node_modules/.bin/node-gyp not found; run `npm install` first');
  process.exit(1);
}

// node-gyp downloads headers unless told where they are; there is no nodejs.org here.
// Prefer the nodedir npm passes down (npm_config_nodedir), else the running Node's own
// install prefix when it ships headers (/usr for Debian's node, .cache/node/<major>).
const args = ['rebuild'];
if (!process.env.npm_config_nodedir) {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) {
    args.push(`--nodedir=${prefix}`);
  }
}

console.log(`build-test-addon: node-gyp ${args.join(' ')} (in test/affine-addon)`);
const result = spawnSync(nodeGyp, args, { cwd: addonDir, stdio: 'inherit' });
if (result.error) {
  console.error(`build-test-addon: ${result.error.message}`);
  process.exit(1);
}
if (result.status !== 0) process.exit(result.status ?? 1);
if (!fs.existsSync(output)) {
  console.error(`build-test-addon: node-gyp succeeded but ${path.relative(root, output)} is missing`);
  process.exit(1);
}
