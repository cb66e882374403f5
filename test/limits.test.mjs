// A carrier that cannot be created is a GreenletError, and the greenlet stays unstarted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fixtures } from './helpers.mjs';

test('thread creation refused by the OS (RLIMIT_AS) raises GreenletError, not a crash', { skip: process.platform === 'win32' && 'uses ulimit' }, () => {
  const script = path.join(fixtures, 'limits.js');
  const r = spawnSync('bash', ['-c', `ulimit -v 4000000 && exec "${process.execPath}" "${script}"`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'unstarted after failure: started=false dead=false');
  assert.match(lines[1], /^started \d+; error is GreenletError: true$/);
  assert.ok(Number.parseInt(lines[1].split(' ')[1], 10) >= 1);
  assert.match(lines[2], /^cannot start a greenlet: the OS refused a new thread \(.+\)\. .*configure\(\{ stackSize \}\)/);
  assert.equal(lines[3], 'all finished: true; carriers 0');
  assert.equal(lines[4], 'after: 42');
});
