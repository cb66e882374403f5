#!/usr/bin/env node
// The package's install script. Uses the prebuilt binary for this platform when the
// package ships one and it loads; otherwise compiles the addon with node-gyp. When
// neither works, it fails saying which platform has no prebuild and what to install.
// In a development checkout (a .git beside it) it always compiles, so a stale prebuild
// never hides a change to native/.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const nodeGypBuild = require('node-gyp-build');

const root = path.join(__dirname, '..');

/** This platform as node-gyp-build names it (npm_config_arch/platform and LIBC override it). */
function platformName() {
  const platform = process.env.npm_config_platform || process.platform;
  const arch = process.env.npm_config_arch || process.arch;
  const libc = platform === 'linux' ? ` (${process.env.LIBC || (fs.existsSync('/etc/alpine-release') ? 'musl' : 'glibc')})` : '';
  return `${platform}-${arch}${libc}`;
}

/** The prebuild node-gyp-build would load here, or null. */
function prebuild() {
  if (fs.existsSync(path.join(root, '.git')) || process.env.npm_config_build_from_source === 'true') return null;
  try {
    const file = nodeGypBuild.resolve(root);
    return file.startsWith(path.join(root, 'prebuilds') + path.sep) ? file : null;
  } catch {
    return null;
  }
}

/** Whether `file` loads in a fresh Node (a wrong libc or CPU fails here, not in the app). */
function loads(file) {
  const result = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', file], { encoding: 'utf8' });
  if (result.status === 0) return true;
  console.warn(`tendril: the prebuilt ${path.relative(root, file)} does not load here; compiling instead.\n${result.stderr}`);
  return false;
}

function nodeGypCommand() {
  try {
    const pkg = require('node-gyp/package.json');
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin['node-gyp'];
    return { cmd: process.execPath, args: [path.join(path.dirname(require.resolve('node-gyp/package.json')), bin)], shell: false };
  } catch {
    if (process.env.npm_config_node_gyp) return { cmd: process.execPath, args: [process.env.npm_config_node_gyp], shell: false };
    return { cmd: process.platform === 'win32' ? 'node-gyp.cmd' : 'node-gyp', args: [], shell: process.platform === 'win32' };
  }
}

const TOOLCHAINS = {
  linux: 'python3, make and a C++20 compiler (Debian/Ubuntu: apt-get install python3 make g++; Fedora: dnf install python3 make gcc-c++; Alpine: apk add python3 make g++)',
  darwin: 'the Xcode Command Line Tools (xcode-select --install)',
  win32: 'Visual Studio Build Tools with the "Desktop development with C++" workload, and Python 3',
};

function shipped() {
  try {
    return fs.readdirSync(path.join(root, 'prebuilds')).join(', ') || 'none';
  } catch {
    return 'none';
  }
}

function main() {
  const file = prebuild();
  if (file !== null && loads(file)) return 0;
  const { cmd, args, shell } = nodeGypCommand();
  const result = spawnSync(cmd, [...args, 'rebuild'], { cwd: root, stdio: 'inherit', shell });
  if (result.status === 0) return 0;
  const platform = process.env.npm_config_platform || process.platform;
  console.error(
    `\ntendril: no prebuilt binary for ${platformName()}, and compiling one failed` +
      `${result.error ? ` (${result.error.message})` : ' (node-gyp\'s output is above)'}.\n` +
      `  Prebuilt binaries in this package: ${shipped()}.\n` +
      `  To compile on ${platformName()}, install ${TOOLCHAINS[platform] ?? 'python3, make and a C++20 compiler'}, then run npm install again.\n`,
  );
  return 1;
}

process.exitCode = main();
