// A binary that cannot load, or no binary at all, ends `require('tendril')` with an error
// that names the platform, the file and the reason, and says what to run. node-gyp-build
// reads TENDRIL_PREBUILD as the package directory to resolve the binary from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const platform = `${process.platform}-${process.arch}`;

function requireWith(prebuildDir) {
  const result = spawnSync(process.execPath, ['-e', "require('tendril')"], {
    encoding: 'utf8',
    env: { ...process.env, TENDRIL_PREBUILD: prebuildDir },
  });
  return { code: result.status, stderr: result.stderr };
}

function packageDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-load-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"tendril"}');
  return dir;
}

test('a binary that does not load names its file, the platform, the reason and the fix', (t) => {
  const dir = packageDir(t);
  const file = path.join(dir, 'prebuilds', platform, 'tendril.napi.node');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'not a shared library\n'.repeat(100));
  const { code, stderr } = requireWith(dir);
  assert.notEqual(code, 0);
  assert.ok(stderr.includes(`tendril: cannot load its native binary ${file} on ${platform}`), stderr);
  assert.ok(stderr.includes(`Node ${process.version}`), stderr);
  assert.match(stderr, /npm rebuild tendril --build-from-source/);
});

test('no binary at all names the platform and says what to run', (t) => {
  const { code, stderr } = requireWith(packageDir(t));
  assert.notEqual(code, 0);
  assert.ok(stderr.includes(`tendril: there is no native binary for ${platform}`), stderr);
  assert.match(stderr, /npm rebuild tendril/);
});
