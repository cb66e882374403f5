// Misuse in odd contexts: switching from inside a tracer, from a finally during
// teardown, from a FinalizationRegistry callback; stack overflow inside greenlets;
// process.exit() inside greenlets, tracers, onMain() and exit-time finally blocks; an
// uncaught error in a greenlet whose parent is dead. Each: a clear JavaScript error or
// the documented behaviour, never an abort. Risky cases run in child processes
// (test/fixtures/misuse-contexts.js) and assert the exit code and that no signal killed them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Greenlet, GreenletExit, getCurrent, settrace, gettrace } from 'tendril';
import { spawnSync } from 'node:child_process';
import { runFixture } from './helpers.mjs';

const main = Greenlet.main;

function child(mode) {
  const r = runFixture('misuse-contexts.js', [mode], { execArgv: ['--expose-gc'], timeout: 60_000 });
  assert.equal(r.signal, null, `${mode} died of ${r.signal}: ${r.stderr}`);
  return { ...r, lines: r.stdout.split('\n').filter((l) => l !== '') };
}

test('a tracer may switch: the target stays parked inside its tracer; killed there, the tracer is removed and run never runs', () => {
  const seen = [];
  const other = new Greenlet(() => main.switch('other->main'));
  let switched = false;
  const g = new Greenlet(() => {
    seen.push('run');
    return 'g done';
  });
  const tracer = (event, origin, target) => {
    seen.push(`${event} ${origin === main ? 'main' : origin === g ? 'g' : 'other'}->${target === main ? 'main' : target === g ? 'g' : 'other'}`);
    if (target === g && !switched) {
      switched = true;
      other.switch('from tracer'); // inside g, before its run
    }
  };
  const previous = settrace(tracer);
  try {
    assert.equal(g.switch(), 'other->main'); // answered by `other`, g is parked in its tracer
    assert.deepEqual([g.started, g.active, g.dead], [true, true, false]);
    assert.deepEqual(seen, ['switch main->g', 'switch g->other', 'switch other->main']);
    const exit = new GreenletExit('kill in tracer');
    assert.equal(g.throw(exit), exit); // raised in the tracer, which lets it escape
    assert.equal(g.dead, true);
    assert.equal(gettrace(), null); // a tracer that raises is removed
    assert.deepEqual(seen, ['switch main->g', 'switch g->other', 'switch other->main', 'throw main->g']);
    assert.equal(getCurrent(), main);
    other.throw();
    assert.equal(other.dead, true);
  } finally {
    settrace(previous);
  }
});

test('a tracer that switches back to the origin: the origin resumes, the target waits in the tracer until switched to again', () => {
  let once = false;
  const g = new Greenlet((x) => `run ${x}`);
  const previous = settrace((event, origin, target) => {
    if (target === g && !once) {
      once = true;
      const back = main.switch('from the tracer of g');
      assert.equal(back, 'continue');
    }
  });
  try {
    assert.equal(g.switch('a'), 'from the tracer of g');
    assert.equal(g.switch('continue'), 'run a'); // run got the first switch's arguments
    assert.equal(g.dead, true);
  } finally {
    settrace(previous);
  }
});

test('an uncaught error in a greenlet whose parent and grandparent are dead reaches main, the same object', () => {
  const a = new Greenlet(() => 'a done');
  const b = new Greenlet(() => main.switch('b parked'), a);
  const c = new Greenlet(() => {
    main.switch('c parked');
    throw error;
  }, b);
  const error = Object.freeze(new Error('from c'));
  assert.equal(b.switch(), 'b parked');
  assert.equal(c.switch(), 'c parked');
  assert.equal(a.switch(), 'a done');
  assert.equal(b.switch('b ends'), 'b ends'); // a is dead: b's result goes on to main
  assert.deepEqual([a.dead, b.dead], [true, true]);
  assert.throws(() => c.switch(), (e) => e === error);
  assert.equal(c.dead, true);
});

test('uncaught null, undefined, a string and a frozen object leave run and reach the parent as they are', () => {
  for (const v of [null, undefined, 'plain string', Object.freeze({ frozen: [1] })]) {
    const g = new Greenlet(() => {
      throw v;
    });
    assert.throws(() => g.switch(), (e) => e === v);
    assert.equal(g.dead, true);
  }
  const exit = Object.freeze(new GreenletExit('frozen exit'));
  assert.equal(new Greenlet(() => { throw exit; }).switch(), exit); // ends quietly, returned as the value
});

test('child: a finally run at exit may switch; the next round of kills ends it, code 0', () => {
  const r = child('switch-in-teardown-finally');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.lines, [
    'exit kill: GreenletExit',
    'main.switch(): GreenletExit greenlet exit',
    'new greenlet returned 1',
    'getCurrent().switch() returned self',
    'exit 0',
  ]);
});

test('child: a greenlet that survives every kill at exit is unwound by the native cleanup without running its code', () => {
  const r = child('never-dies');
  assert.equal(r.signal, null, r.stderr);
  assert.equal(r.code, 0, r.stderr);
  // eight rounds of kills at the 'exit' event, then the environment cleanup terminates
  // it: its finally does not run (no JavaScript runs there), and nothing crashes
  assert.deepEqual(r.lines, [...Array(8).fill('caught GreenletExit'), 'exit 0']);
});

test('child: a FinalizationRegistry callback runs on the main greenlet and may switch and start greenlets', () => {
  const r = child('finalization-registry');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.lines, [
    'parked',
    'callback token, in main true',
    'parked resumed with from registry, current ok true',
    'switch from callback got parked ends',
    'new greenlet in callback: 42',
    'dead true',
    'end',
  ]);
});

test('child: stack overflow in a greenlet, three greenlets down, in a tracer, and a switch from the edge of the stack', () => {
  const r = child('stack-overflow');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.lines, [
    'in a greenlet: RangeError Maximum call stack size exceeded',
    'nested, uncaught: RangeError Maximum call stack size exceeded; all dead true',
    'switched from depth near the limit',
    'unwound after resume',
    'with a tracer, switched from depth near the limit',
    'unwound after resume, tracer kept true, 4 traces',
    'tracer overflow: RangeError, tracer removed true, target dead true',
    'main thread: RangeError',
  ]);
});

for (const [mode, code, lines, why] of [
  ['exit-nested', 11, ['finally parked', 'exit 11'], 'process.exit() three greenlets down: the parked greenlet is killed, its finally runs'],
  ['exit-in-tracer', 12, ['exit 12'], 'process.exit() in a tracer running in a new greenlet: run never runs'],
  ['exit-in-onmain', 13, ['exit 13 in main true'], 'process.exit() inside onMain() called from a greenlet'],
  // (process.exit() inside an 'exit' listener exits at once: later listeners do not run)
  ['exit-in-finally-at-exit', 14, ['main ends', 'finally calls process.exit(14)'], 'process.exit(14) in a finally run by the kill at exit: that code wins'],
  ['exit-in-sleeping-task', 15, ['finally sleeper', 'exit 15'], 'process.exit() in a task while another sleeps: the sleeper\'s finally runs'],
]) {
  test(`child: ${why}; exit code ${code}`, () => {
    const r = child(mode);
    assert.equal(r.code, code, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(r.lines, lines);
  });
}

test('child: resumed from a timer, an error whose parent is dead surfaces as an uncaught exception (printed, exit 1), not lost', () => {
  const r = child('dead-parent-from-timer');
  assert.equal(r.code, 1);
  assert.deepEqual(r.lines, ['child parked', 'parent done', 'parent dead true', 'exit 1']);
  assert.match(r.stderr, /Error: child error with its parent dead/);
});

test("plain Node: tendril leaves process.exit as it is (Electron's, which is app.exit(), is marshalled to the UI thread)", () => {
  const script = "const exit = process.exit; require('tendril'); require('tendril/electron'); process.stdout.write(String(exit === process.exit));";
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.stdout, 'true', r.stderr);
});
