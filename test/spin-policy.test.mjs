// How long a parked carrier spins (native/spin_policy.h) decides whether switching burns
// a CPU for nothing; no timing test can pin that down on a shared machine, so its
// decisions are checked directly: test/native/spin_policy.cc is compiled with the
// machine's C++ compiler and run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiler = ['c++', 'g++', 'clang++'].find((cc) => spawnSync(cc, ['--version']).status === 0);

test('spin policy: spins only for kinds of wait that end within the spin, backs off after misses', { skip: compiler ? false : 'no C++ compiler on PATH' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-spin-policy-'));
  try {
    const exe = path.join(dir, 'spin_policy');
    const build = spawnSync(compiler, ['-std=c++20', '-Wall', '-Werror', `-I${path.join(root, 'native')}`, path.join(root, 'test', 'native', 'spin_policy.cc'), '-o', exe], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    const run = spawnSync(exe, { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /all checks passed/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
