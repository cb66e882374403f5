// Garbage collection on carrier threads (native/gc_guard.h) in plain Node: stats().gc
// counts collections by the thread that ran them, and the main-stack mirror (on in
// Electron, off here unless configured) copies the parked main thread's stack before
// every full collection on a carrier. The Electron-shaped host's suite checks what the
// mirror is for (test/electron-host.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configure, stats } from 'tendril';
import { runFixture, v8HasFlag } from './helpers.mjs';

const work = { full: 0, minor: 0, sweeps: 0, ms: 0 };

function run(scenario, flags = ['--expose-gc']) {
  const { code, signal, stdout, stderr } = runFixture('gc-guard.js', [scenario], { execArgv: flags });
  assert.equal(signal, null, stderr);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout.trim().split('\n').pop());
}

test('stats().gc: collections by thread, and the mirror, off in plain Node', () => {
  const gc = stats().gc;
  assert.deepEqual(Object.keys(gc).sort(), ['carriers', 'main', 'mirror']);
  for (const side of [gc.main, gc.carriers]) {
    assert.deepEqual(Object.keys(side).sort(), Object.keys(work).sort());
    for (const value of Object.values(side)) assert.ok(Number.isFinite(value) && value >= 0);
  }
  assert.deepEqual(Object.keys(gc.mirror).sort(), ['copies', 'lastBytes', 'ms', 'on', 'truncated']);
  assert.equal(gc.mirror.on, false);
});

test('configure({ mirrorMainStack }) takes a boolean', () => {
  assert.throws(() => configure({ mirrorMainStack: 'yes' }), { name: 'TypeError', message: /mirrorMainStack must be a boolean/ });
  configure({ mirrorMainStack: true });
  assert.equal(stats().gc.mirror.on, true);
  configure({ mirrorMainStack: false });
  assert.equal(stats().gc.mirror.on, false);
});

test("a greenlet's allocations make full collections run on its carrier, and they are counted there", () => {
  const { before, after } = run('counts', []);
  assert.equal(before.carriers.full, 0);
  assert.ok(after.carriers.full >= 1, JSON.stringify(after));
  assert.ok(after.carriers.minor >= 1, JSON.stringify(after));
  assert.ok(after.carriers.ms > 0, JSON.stringify(after));
  assert.equal(after.mirror.copies, 0, 'no mirror in plain Node by default');
});

test('with the mirror on, every full collection on a carrier copies the parked main stack first; objects held across switches stay intact', () => {
  const gc = run('mirror');
  assert.equal(gc.mirror.on, true);
  // Ten gc() calls on the carrier, each one full collection (or more).
  assert.ok(gc.carriers.full >= 10, JSON.stringify(gc));
  assert.ok(gc.mirror.copies >= gc.carriers.full, JSON.stringify(gc));
  assert.equal(gc.mirror.truncated, 0);
  assert.ok(gc.mirror.lastBytes > 0 && gc.mirror.lastBytes < 128 * 1024, JSON.stringify(gc));
});

test('the mirror under --stress-compaction and --conservative-stack-scanning', { skip: !v8HasFlag('--conservative-stack-scanning') && 'this V8 has no --conservative-stack-scanning' }, () => {
  const gc = run('mirror', ['--expose-gc', '--stress-compaction', '--conservative-stack-scanning']);
  assert.ok(gc.mirror.copies >= 10, JSON.stringify(gc));
});

test("a worker thread's greenlets mirror the worker's own stack; the worker ends cleanly", () => {
  const { worker, main } = run('worker');
  assert.equal(worker.mirror.on, true);
  assert.ok(worker.mirror.copies >= 5, JSON.stringify(worker));
  assert.equal(main.mirror.on, false, "the main thread's setting is its own");
  assert.equal(main.mirror.copies, 0);
});
