// The published package installs and loads from its prebuild on a machine without a
// compiler: `npm pack` (whose prepack builds the prebuild, scripts/prebuild.js), then
// `npm install <tarball>` into a fresh project with a PATH holding only node, sh and
// npm's needs (no g++, gcc, cc, make, python3), then a greenlet ping-pong there. The same
// tarball on a platform it has no prebuild for must fail to install with a message that
// names the platform and what to install.
//
// Slow-ish (compiles the addon once more and runs tsc): ~15-30 s. The packing happens in
// a staging copy of the working tree, so the repo's own build/, dist/ and prebuilds/ are
// left alone (other test files load build/Release/tendril.node meanwhile). Only this
// machine's own prebuild is built here; .ci/run packs every one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Build outputs and caches a release never packs from the working tree. */
const NOT_STAGED = new Set(['node_modules', 'build', 'dist', 'prebuilds', '.cache', '.git', 'e2e', 'demo-app']);
const NOT_STAGED_DEEP = new Set([path.join('test', 'affine-addon', 'build')]);
/** What the no-compiler PATH may hold; tools a native build needs must not be on it. */
const COMPILER_TOOLS = ['g++', 'gcc', 'cc', 'c++', 'make', 'python3', 'python'];

function npmCli() {
  const candidates = [
    process.env.npm_execpath,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/share/nodejs/npm/bin/npm-cli.js',
  ];
  for (const file of candidates) {
    if (file && /npm-cli\.js$/.test(file) && fs.existsSync(file)) return file;
  }
  try {
    const which = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
    const real = fs.realpathSync(which);
    if (/npm-cli\.js$/.test(real)) return real;
  } catch {}
  throw new Error('cannot find npm-cli.js');
}

/** The environment with npm's and the test runner's variables scrubbed. */
function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'NODE_TEST_CONTEXT' || key === 'NODE_OPTIONS' || /_PREBUILD$/.test(key)) {
      continue;
    }
    env[key] = value;
  }
  return { ...env, ...extra };
}

function run(cmd, args, options) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${[cmd, ...args].join(' ')} (in ${options.cwd}) exited with ${result.status ?? result.signal}\n` +
        `--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** A directory of symlinks: node (the running one), sh; nothing that can compile. */
function noCompilerBin(dir) {
  fs.mkdirSync(dir);
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  fs.symlinkSync('/bin/sh', path.join(dir, 'sh'));
  // The coreutils npm or install scripts may shell out to; no compiler, make or python.
  for (const tool of ['env', 'uname', 'cat', 'ls', 'mkdir', 'rm']) {
    for (const where of ['/usr/bin', '/bin']) {
      const file = path.join(where, tool);
      if (fs.existsSync(file)) {
        fs.symlinkSync(file, path.join(dir, tool));
        break;
      }
    }
  }
  return dir;
}

const CONSUMER_SCRIPT = `
'use strict';
const fs = require('fs');
const path = require('path');
const { Greenlet } = require('tendril');
const main = Greenlet.main;
const ponger = new Greenlet((n) => {
  for (;;) n = main.switch(n + 1);
});
let n = 0;
for (let i = 0; i < 1000; i++) n = ponger.switch(n) + 1;
ponger.throw(); // GreenletExit: ends it quietly
const pkgDir = path.dirname(require.resolve('tendril/package.json'));
const mapped = [...new Set(fs.readFileSync('/proc/self/maps', 'utf8').split('\\n')
  .map((line) => line.trim().split(/\\s+/).slice(5).join(' '))
  .filter((file) => file.endsWith('.node')))];
console.log(JSON.stringify({
  n,
  dead: ponger.dead,
  resolved: require.resolve('tendril'),
  pkgDir,
  resolvedAddon: require('node-gyp-build').resolve(pkgDir),
  mapped,
  version: process.version,
}));
`;

const host = `${process.platform}-${process.arch}`;

// Packing needs the development checkout (scripts/prebuild.js); the cross-platform legs run
// this suite in an installed package instead, which is the tarball this test makes.
const skip = !fs.existsSync(path.join(root, 'scripts', 'prebuild.js')) && 'not a development checkout: nothing to pack';

test('the packed tarball installs without a compiler and loads its prebuild (slow)', { timeout: 300_000, skip }, (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-package-test-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const npm = npmCli();
  const nodeEnv = {};
  // prepack runs node-gyp, which must not try to download headers (no nodejs.org
  // here): npm passes the user's nodedir on; else use the running Node's own headers.
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) {
    nodeEnv.npm_config_nodedir = prefix;
  } else if (process.env.npm_config_nodedir) {
    nodeEnv.npm_config_nodedir = process.env.npm_config_nodedir;
  }

  // 1. Stage a copy of the working tree (sources only) and build the release there.
  const stage = path.join(tmp, 'stage');
  fs.cpSync(root, stage, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(root, src);
      if (rel === '') return true;
      if (NOT_STAGED.has(rel.split(path.sep)[0]) || NOT_STAGED_DEEP.has(rel)) return false;
      return !rel.endsWith('.tgz');
    },
  });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  const buildEnv = cleanEnv({ ...nodeEnv, TENDRIL_PREBUILD_TARGETS: host });

  // 2. Pack: prepack builds the prebuild, prepare compiles the TypeScript into dist/.
  const packs = path.join(tmp, 'packs');
  fs.mkdirSync(packs);
  run(process.execPath, [npm, 'pack', '--pack-destination', packs], { cwd: stage, env: buildEnv });
  const tarballs = fs.readdirSync(packs).filter((f) => f.endsWith('.tgz'));
  assert.equal(tarballs.length, 1, `expected one tarball, got ${tarballs}`);
  const tarball = path.join(packs, tarballs[0]);

  const entries = run('tar', ['-tzf', tarball], { cwd: tmp }).split('\n').filter(Boolean);
  const has = (prefix) => entries.some((e) => e.startsWith(prefix));
  assert.ok(has('package/package.json'), 'tarball has no package.json');
  assert.ok(has('package/dist/main/index.js'), 'tarball lacks dist/main/index.js');
  assert.ok(has('package/scripts/install.js'), 'tarball lacks its install script');
  assert.ok(
    entries.some((e) => new RegExp(`^package/prebuilds/${host}/tendril\\.napi(\\.glibc)?\\.node$`).test(e)),
    `tarball lacks prebuilds/${host}/tendril.napi*.node:\n${entries.join('\n')}`,
  );
  assert.deepEqual(entries.filter((e) => e.startsWith('package/build/')), [], 'tarball contains build/');
  assert.deepEqual(entries.filter((e) => e.includes('node_modules')), [], 'tarball contains node_modules');

  // 3. A fresh project, installed with a PATH that cannot compile anything.
  const bin = noCompilerBin(path.join(tmp, 'bin'));
  const home = process.env.HOME ?? os.homedir();
  // HOME stays (npm's cache and the user's registry settings), little else does.
  const bareEnv = { HOME: home, PATH: bin, TMPDIR: tmp, LANG: 'C' };
  for (const tool of COMPILER_TOOLS) {
    const probe = spawnSync('sh', ['-c', `command -v ${tool}`], { env: bareEnv, encoding: 'utf8' });
    assert.notEqual(probe.status, 0, `${tool} is reachable on the test PATH: ${probe.stdout}`);
  }
  const project = path.join(tmp, 'project');
  fs.mkdirSync(project);
  const consumer = JSON.stringify({
    name: 'tendril-consumer',
    version: '1.0.0',
    private: true,
    // npm 11 may skip dependencies' install scripts unless allowed; run tendril's
    // (scripts/install.js) so the test covers what a real install does.
    allowScripts: { tendril: true },
  });
  fs.writeFileSync(path.join(project, 'package.json'), consumer);
  run(process.execPath, [npm, 'install', '--no-audit', '--no-fund', '--prefer-offline', tarball], {
    cwd: project,
    env: bareEnv,
  });
  const installed = path.join(project, 'node_modules', 'tendril');
  assert.ok(fs.existsSync(path.join(installed, 'package.json')), 'tendril is not installed');
  assert.ok(!fs.existsSync(path.join(installed, 'build')), 'install compiled a build/ instead of using the prebuild');

  // 4. Use it.
  fs.writeFileSync(path.join(project, 'check.js'), CONSUMER_SCRIPT);
  const out = run(path.join(bin, 'node'), ['check.js'], { cwd: project, env: bareEnv });
  const report = JSON.parse(out.trim().split('\n').pop());
  assert.equal(report.version, process.version);
  assert.equal(report.n, 2000, 'greenlet ping-pong went wrong');
  assert.equal(report.dead, true);
  const real = (p) => fs.realpathSync(p);
  assert.equal(real(report.pkgDir), real(installed));
  assert.equal(real(report.resolved), real(path.join(installed, 'dist', 'main', 'index.js')));
  const prebuildDir = real(path.join(installed, 'prebuilds')) + path.sep;
  assert.ok(
    real(report.resolvedAddon).startsWith(prebuildDir),
    `node-gyp-build resolves ${report.resolvedAddon}, not a prebuild`,
  );
  const addons = report.mapped.filter((file) => real(file).startsWith(real(installed) + path.sep));
  assert.equal(addons.length, 1, `expected one mapped tendril addon, got ${JSON.stringify(report.mapped)}`);
  assert.ok(real(addons[0]).startsWith(prebuildDir), `the loaded addon is ${addons[0]}, not a prebuild`);

  // 5. The same tarball where it has no prebuild (node-gyp-build, and so the install
  // script, take npm_config_arch as the machine's), still with no compiler.
  const elsewhere = path.join(tmp, 'elsewhere');
  fs.mkdirSync(elsewhere);
  fs.writeFileSync(path.join(elsewhere, 'package.json'), consumer);
  const failed = spawnSync(
    process.execPath,
    [npm, 'install', '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts', tarball],
    { cwd: elsewhere, env: { ...bareEnv, npm_config_arch: 'riscv64' }, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const said = `${failed.stdout}\n${failed.stderr}`;
  assert.notEqual(failed.status, 0, `npm install succeeded where it has no prebuild and no compiler:\n${said}`);
  assert.match(said, /no prebuilt binary for linux-riscv64 \(glibc\)/, said);
  assert.match(said, /Prebuilt binaries in this package: linux-x64\./, said);
  assert.match(said, /install python3, make and a C\+\+20 compiler \(Debian\/Ubuntu: apt-get install python3 make g\+\+/, said);
});
