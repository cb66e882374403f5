// Misuse: every wrong call is an ordinary JS error (TypeError, GreenletError,
// RangeError), leaves the greenlets as they were, and nothing aborts the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { Greenlet, getCurrent, GreenletError, GreenletExit, settrace, gettrace, configure } from 'tendril';

const main = Greenlet.main;
const require = createRequire(import.meta.url);
const TENDRIL = require.resolve('tendril');

const nonFunctions = [42, 'run', true, {}, [], Symbol('run'), 10n, new Date(0)];

test('a non-function run in the constructor is a TypeError', () => {
  for (const bad of nonFunctions) {
    assert.throws(() => new Greenlet(bad), TypeError, String(typeof bad));
  }
  // null and undefined mean "no run yet"
  assert.equal(new Greenlet(null).started, false);
  assert.equal(new Greenlet(undefined).started, false);
  assert.equal(new Greenlet().started, false);
});

test('a non-function run in the setter is a TypeError and keeps the old run', () => {
  const f = () => 'f';
  const g = new Greenlet(f);
  assert.equal(g.run, f);
  for (const bad of nonFunctions) {
    assert.throws(
      () => {
        g.run = bad;
      },
      TypeError,
      String(typeof bad),
    );
    assert.equal(g.run, f);
  }
  assert.equal(g.switch(), 'f');
});

test('g.run can be replaced before the first switch', () => {
  const g = new Greenlet(() => 'first');
  const second = (x) => `second ${x}`;
  g.run = second;
  assert.equal(g.run, second);
  assert.equal(g.switch('x'), 'second x');
});

test('setting run after start throws GreenletError and changes nothing', () => {
  const replacement = () => 'replacement';
  const inside = [];
  const g = new Greenlet(() => {
    try {
      getCurrent().run = replacement;
    } catch (e) {
      inside.push(e);
    }
    main.switch('parked');
    return 'original';
  });
  assert.equal(g.switch(), 'parked');
  assert.equal(inside.length, 1);
  assert.ok(inside[0] instanceof GreenletError, 'while running');
  assert.throws(() => {
    g.run = replacement;
  }, GreenletError, 'while suspended');
  assert.equal(g.switch(), 'original');
  assert.throws(() => {
    g.run = replacement;
  }, GreenletError, 'when dead');
  assert.throws(() => {
    main.run = replacement;
  }, GreenletError, 'on the main greenlet');
  assert.equal(main.switch('still main'), 'still main');
});

test('switching to a greenlet without run throws GreenletError and it stays unstarted', () => {
  const g = new Greenlet();
  assert.throws(() => g.switch(), GreenletError);
  assert.throws(() => g.switch(1, 2), GreenletError);
  assert.deepEqual([g.started, g.active, g.dead], [false, false, false]);
  assert.equal(getCurrent(), main);
  // python-greenlet: throw() into it fails the same way (AttributeError 'run') and
  // leaves it unstarted
  assert.throws(() => g.throw(new Error('x')), GreenletError);
  assert.deepEqual([g.started, g.active, g.dead], [false, false, false]);
  // it can still be given a run and started
  g.run = (a, b) => a + b;
  assert.equal(g.switch(2, 3), 5);
  assert.equal(g.dead, true);
});

test('a subclass without a run method cannot be switched to either', () => {
  class Empty extends Greenlet {}
  const g = new Empty();
  assert.throws(() => g.switch(), GreenletError);
  assert.equal(g.started, false);
  const inner = [];
  const h = new Greenlet(() => {
    try {
      new Empty().switch();
    } catch (e) {
      inner.push(e);
    }
    return getCurrent();
  });
  assert.equal(h.switch(), h, 'the failed switch left the caller running');
  assert.ok(inner[0] instanceof GreenletError);
});

test('a result delivered to a parent without run: GreenletError goes on to the grandparent', () => {
  // python 2.0.2: AttributeError('run') is raised in main; the parent stays unstarted.
  const p = new Greenlet();
  const c = new Greenlet(() => 'result', p);
  assert.throws(() => c.switch(), GreenletError);
  assert.equal(c.dead, true);
  assert.deepEqual([p.started, p.active, p.dead], [false, false, false]);
});

test('switch/throw with `this` not a greenlet is a TypeError', () => {
  const proto = Greenlet.prototype;
  const g = new Greenlet(() => 'ok');
  const bads = [undefined, null, 42, 'g', {}, [], Object.create(proto), Greenlet, () => {}, structuredClone(g)];
  for (const bad of bads) {
    assert.throws(() => proto.switch.call(bad), TypeError);
    assert.throws(() => proto.switch.call(bad, 1, 2), TypeError);
    assert.throws(() => proto.throw.call(bad), TypeError);
    assert.throws(() => proto.throw.call(bad, new Error('x')), TypeError);
  }
  const { switch: detached } = g;
  assert.throws(() => detached(), TypeError);
  assert.equal(g.started, false);
  assert.equal(g.switch(), 'ok');
});

test('accessors with `this` not a greenlet are TypeErrors', () => {
  const proto = Greenlet.prototype;
  for (const name of ['parent', 'run', 'dead', 'started', 'active', 'isMain']) {
    const { get } = Object.getOwnPropertyDescriptor(proto, name);
    assert.equal(typeof get, 'function', name);
    assert.throws(() => get.call({}), TypeError, name);
    assert.throws(() => get.call(undefined), TypeError, name);
  }
  for (const name of ['parent', 'run']) {
    const { set } = Object.getOwnPropertyDescriptor(proto, name);
    assert.throws(() => set.call({}, main), TypeError, name);
    assert.throws(() => set.call({}, () => {}), TypeError, name);
  }
});

test('settrace with a non-function is a TypeError and keeps the current tracer', () => {
  const tracer = () => {};
  settrace(tracer);
  try {
    for (const bad of [42, 'trace', true, {}, [], Symbol('t')]) {
      assert.throws(() => settrace(bad), TypeError, String(typeof bad));
      assert.equal(gettrace(), tracer);
    }
  } finally {
    assert.equal(settrace(null), tracer);
  }
  assert.equal(gettrace(), null);
});

test('configure() with bad values is a RangeError', () => {
  const bad = [
    { stackSize: -1 },
    { stackSize: 0 },
    { stackSize: 100 },
    { stackSize: 1.5 * 1024 * 1024 + 0.5 },
    { stackSize: NaN },
    { stackSize: Infinity },
    { stackSize: 2 ** 31 },
    { stackSize: '1048576' },
    { idleCarriers: -1 },
    { idleCarriers: 1.5 },
    { idleCarriers: NaN },
    { idleCarriers: 1e9 },
    { idleCarriers: '4' },
    { stackSize: 1024 * 1024, idleCarriers: -1 },
  ];
  for (const options of bad) {
    assert.throws(() => configure(options), RangeError, JSON.stringify(options));
  }
  // greenlets still work, and a valid (no-op) configure is accepted
  configure({});
  assert.equal(new Greenlet((x) => x * 2).switch(21), 42);
});

test('stack overflow inside a greenlet is a RangeError, never a crash', () => {
  function recurse(n) {
    return recurse(n + 1) + 1;
  }
  const caughtInside = new Greenlet(() => {
    try {
      recurse(0);
    } catch (e) {
      return e;
    }
  }).switch();
  assert.ok(caughtInside instanceof RangeError);

  const g = new Greenlet(() => recurse(0));
  assert.throws(() => g.switch(), RangeError);
  assert.equal(g.dead, true);

  // a deep but finite stack, parked at the bottom, resumes fine
  function deep(n) {
    return n === 0 ? main.switch('bottom') : deep(n - 1) + 1;
  }
  const d = new Greenlet(() => deep(2000));
  assert.equal(d.switch(), 'bottom');
  assert.equal(d.switch(0), 2000);
  assert.equal(new Greenlet(() => 'fine').switch(), 'fine');
});

test('nothing aborts the process: misuse and exit with suspended greenlets', () => {
  const script = `
    const { Greenlet, GreenletExit, GreenletError, settrace, configure } = require(${JSON.stringify(TENDRIL)});
    const { writeSync } = require('node:fs');
    const say = (s) => writeSync(1, s + '\\n');
    const main = Greenlet.main;
    const attempts = [
      () => new Greenlet(42),
      () => new Greenlet().switch(),
      () => Greenlet.prototype.switch.call({}),
      () => Greenlet.prototype.throw.call(null),
      () => { main.parent = main; },
      () => { const a = new Greenlet(() => {}); a.parent = a; },
      () => settrace(1),
      () => configure({ stackSize: -5 }),
      () => new Greenlet(function r() { return r(); }).switch(),
      () => { const g = new Greenlet(() => 1); g.switch(); g.run = () => 2; },
    ];
    let n = 0;
    for (const attempt of attempts) {
      try { attempt(); } catch (e) { if (e instanceof Error) n++; }
    }
    say('errors ' + n);
    // greenlets left suspended at exit: killed with GreenletExit, finally blocks run
    const a = new Greenlet(() => {
      try { main.switch(); } catch (e) { say('a got ' + (e instanceof GreenletExit ? 'GreenletExit' : String(e))); throw e; }
      finally { say('a finally'); }
    });
    a.switch();
    const outer = new Greenlet(() => {
      const inner = new Greenlet(() => { try { main.switch(); } finally { say('inner finally'); } });
      inner.switch();
    });
    outer.switch();
    const stubborn = new Greenlet(() => {
      for (let i = 0; i < 3; i++) { try { main.switch(); } catch (e) {} }
    });
    stubborn.switch();
    const thrower = new Greenlet(() => { try { main.switch(); } finally { throw new Error('finally throws'); } });
    thrower.switch();
    say('main end');
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, `signal ${r.signal}; stderr: ${r.stderr}`);
  assert.equal(r.status, 0, `stderr: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'errors 10');
  assert.equal(lines[1], 'main end');
  for (const expected of ['a got GreenletExit', 'a finally', 'inner finally']) {
    assert.ok(lines.includes(expected), `missing "${expected}" in ${JSON.stringify(lines)}`);
  }
  assert.ok(lines.indexOf('a got GreenletExit') < lines.indexOf('a finally'));
  assert.doesNotMatch(r.stderr, /FATAL|Abort|Segmentation|core dumped/i);
});

test('process.exit() called inside a greenlet exits with its code, without aborting', () => {
  const script = `
    const { Greenlet } = require(${JSON.stringify(TENDRIL)});
    const { writeSync } = require('node:fs');
    const main = Greenlet.main;
    const parked = new Greenlet(() => { try { main.switch(); } finally { writeSync(1, 'parked finally\\n'); } });
    parked.switch();
    const outer = new Greenlet(() => {
      new Greenlet(() => { writeSync(1, 'exiting\\n'); process.exit(3); }).switch();
    });
    outer.switch();
    writeSync(1, 'not reached\\n');
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, `signal ${r.signal}; stderr: ${r.stderr}`);
  assert.equal(r.status, 3, `stderr: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'exiting');
  assert.ok(lines.includes('parked finally'), JSON.stringify(lines));
  assert.ok(!lines.includes('not reached'));
  assert.doesNotMatch(r.stderr, /FATAL|Abort|Segmentation|core dumped/i);
});

test('an uncaught error thrown out of a greenlet at top level ends the process normally', () => {
  const script = `
    const { Greenlet } = require(${JSON.stringify(TENDRIL)});
    new Greenlet(() => { throw new Error('uncaught from greenlet'); }).switch();
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, `signal ${r.signal}; stderr: ${r.stderr}`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /uncaught from greenlet/);
  assert.doesNotMatch(r.stderr, /FATAL|Abort|Segmentation|core dumped/i);
});
