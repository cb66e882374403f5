// node-fibers' own test suite, unmodified, against tendril/fibers and tendril/fibers/future.
//
// The suite ships in the fibers@5 npm tarball (test/*.js; its runner test.js starts each
// file with NODE_PATH set to the package, where `fibers` and `future` are fibers.js and
// future.js). The tarball is fetched once with `npm pack` and kept under .cache/ (never
// committed). Here each file is started the same way, with NODE_PATH pointing at
// compat/fibers instead, the package that serves `require('fibers')` from tendril. As in
// node-fibers' runner, a file passes when it exits 0, prints exactly `pass` and writes
// nothing to stderr. The same files also run in the Electron-shaped host
// (test/electron-host/), as an Electron app's main script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apps, run, skipReason } from './electron-host/launch.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIBERS = 'fibers@5.0.3'; // the last node-fibers release
const cacheDir = path.join(root, '.cache', 'fibers-suite');
const suiteDir = path.join(cacheDir, FIBERS.replace('@', '-'));
/** node-fibers' test/cleanup.js compares two timings (a 2x slowdown fails): noise on a
 *  shared machine can trip it, so it gets up to three tries. */
const TIMED = new Set(['cleanup.js']);

/** Fetches and unpacks the tarball into .cache/ unless it is there already. */
function ensureSuite() {
  if (fs.existsSync(path.join(suiteDir, 'test'))) return;
  fs.mkdirSync(cacheDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(cacheDir, 'unpack-'));
  try {
    const npm = spawnSync('npm', ['pack', FIBERS, '--pack-destination', work], { encoding: 'utf8', cwd: work });
    assert.equal(npm.status, 0, `npm pack ${FIBERS} failed:\n${npm.stdout}${npm.stderr}`);
    const tarball = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
    const tar = spawnSync('tar', ['-xzf', tarball], { encoding: 'utf8', cwd: work });
    assert.equal(tar.status, 0, tar.stderr);
    fs.renameSync(path.join(work, 'package'), suiteDir);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

ensureSuite();
const files = fs.readdirSync(path.join(suiteDir, 'test')).filter((f) => f.endsWith('.js')).sort();

// compat/fibers requires `tendril/...`: a directory where `tendril` is this checkout.
const linkDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-fibers-suite-'));
fs.symlinkSync(root, path.join(linkDir, 'tendril'), 'dir');
process.on('exit', () => fs.rmSync(linkDir, { recursive: true, force: true }));

const NODE_PATH = [path.join(root, 'compat', 'fibers'), linkDir].join(path.delimiter);

function runSuiteFile(file) {
  const env = { ...process.env, NODE_PATH };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return spawnSync(process.execPath, [path.join('test', file)], { cwd: suiteDir, env, encoding: 'utf8', timeout: 120_000 });
}

test('the suite is all there: node-fibers 5 ships 19 test files', () => {
  assert.equal(files.length, 19, files.join(' '));
});

for (const file of files) {
  test(`node-fibers test/${file}`, () => {
    let result;
    for (let attempt = 1; attempt <= (TIMED.has(file) ? 3 : 1); attempt++) {
      result = runSuiteFile(file);
      if (result.stdout === 'pass\n') break;
    }
    const report = `exit ${result.status ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
    assert.equal(result.stdout, 'pass\n', report);
    assert.equal(result.stderr, '', report);
    assert.equal(result.status, 0, report);
  });
}

const hostSkip = skipReason();
/** Files that do not apply to an Electron main process, and why. */
const NOT_IN_ELECTRON = {
  'child-process.js':
    "spawns process.execPath as a Node child; in Electron's main process that is Electron itself " +
    '(apps set ELECTRON_RUN_AS_NODE for that), so it would start the app again',
};
for (const file of files) {
  const skip = hostSkip || NOT_IN_ELECTRON[file] || false;
  test(`node-fibers test/${file} in the Electron-shaped host`, { skip, timeout: 120_000 }, async () => {
    let result;
    for (let attempt = 1; attempt <= (TIMED.has(file) ? 3 : 1); attempt++) {
      result = await run(path.join(apps, 'fibers-suite.js'), { args: [path.join('test', file)], cwd: suiteDir, env: { NODE_PATH } });
      if (result.stdout === 'pass\n') break;
    }
    const report = `exit ${result.code ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
    assert.equal(result.stdout, 'pass\n', report);
    assert.equal(result.stderr, '', report);
    assert.equal(result.code, 0, report);
  });
}
