// A suspended greenlet whose object is collected is killed like python-greenlet's dealloc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFixture } from './helpers.mjs';

test('collected suspended greenlets get GreenletExit from main; survivors are kept and warned about', () => {
  const { code, stdout, stderr } = runFixture('gc-kill.js', [], { execArgv: ['--expose-gc'] });
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split('\n');
  assert.deepEqual(lines.slice(0, 5).sort(), [
    'before gc: 2 live',
    'child-of-owner: finally',
    'plain: GreenletExit in a greenlet (isMain=false, parent is main: true)',
    'plain: finally',
    'after gc: 0 live',
  ].sort());
  assert.equal(lines[0], 'before gc: 2 live');
  assert.equal(lines[4], 'after gc: 0 live');
  assert.deepEqual(lines.slice(5), [
    'stubborn: GreenletExit in a greenlet (isMain=false, parent is main: true)',
    'warning GreenletWarning: GreenletExit did not kill a collected greenlet; it is kept alive',
    'after stubborn: 1 live',
    // killed once more at process exit
    'stubborn: finally',
  ]);
});
