// onMain(fn) runs fn on the main greenlet's thread. The affine addon (test/affine-addon,
// built by scripts/build-test-addon.js) stands in for Electron's main-process APIs: its
// mainThreadOnly() throws when called on any thread but the process's main thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Greenlet, onMain, getCurrent, GreenletError } from 'tendril';

const require = createRequire(import.meta.url);
const affine = require('./affine-addon/build/Release/affine.node');

const OFF_MAIN = /called off the main thread/;
const mainTid = affine.threadId();

test('the affine addon itself: works on the main thread, reports the thread id', () => {
  assert.equal(mainTid, process.pid, 'node:test runs test files on the main thread');
  assert.equal(affine.mainThreadOnly(42), 42);
  const o = {};
  assert.equal(affine.mainThreadOnly(o), o);
});

test('mainThreadOnly called directly inside a greenlet throws: greenlets run on carriers', () => {
  const g = new Greenlet(() => {
    const tid = affine.threadId();
    let error = null;
    try {
      affine.mainThreadOnly(7);
    } catch (e) {
      error = e;
    }
    return { tid, error };
  });
  const { tid, error } = g.switch();
  assert.ok(g.dead);
  assert.notEqual(tid, mainTid, 'a greenlet runs on its own OS thread');
  assert.ok(error instanceof Error, 'mainThreadOnly must throw off the main thread');
  assert.match(error.message, OFF_MAIN);
});

test('onMain inside a greenlet runs fn on the main thread and returns its result', () => {
  const g = new Greenlet(() => {
    const carrierTid = affine.threadId();
    let fnRanIn = null;
    const value = onMain(() => {
      fnRanIn = affine.threadId();
      return affine.mainThreadOnly(7);
    });
    // Back on the carrier after the call, and still the same greenlet.
    return { value, fnRanIn, carrierTid, after: affine.threadId(), self: getCurrent() };
  });
  const r = g.switch();
  assert.equal(r.value, 7);
  assert.equal(r.fnRanIn, mainTid, 'fn must run on the main thread');
  assert.notEqual(r.carrierTid, mainTid);
  assert.equal(r.after, r.carrierTid, 'the greenlet continues on its carrier after onMain');
  assert.equal(r.self, g);
  assert.ok(g.dead);
});

test('onMain returns objects by identity and passes through undefined', () => {
  const shared = { n: 1 };
  const g = new Greenlet(() => {
    const back = onMain(() => {
      shared.n += 1;
      return shared;
    });
    return [back, onMain(() => undefined)];
  });
  const [back, undef] = g.switch();
  assert.equal(back, shared);
  assert.equal(shared.n, 2);
  assert.equal(undef, undefined);
});

test('onMain in the main greenlet just calls fn, synchronously', () => {
  assert.ok(getCurrent().isMain);
  const order = [];
  const value = onMain(() => {
    order.push('fn');
    assert.ok(getCurrent().isMain);
    return affine.mainThreadOnly('direct');
  });
  order.push('after');
  assert.equal(value, 'direct');
  assert.deepEqual(order, ['fn', 'after']);
  const err = new Error('from main');
  assert.throws(
    () => onMain(() => { throw err; }),
    (e) => e === err,
  );
});

test('onMain rejects a non-function', () => {
  assert.throws(() => onMain(42), TypeError);
  const g = new Greenlet(() => {
    try {
      onMain('nope');
    } catch (e) {
      return e;
    }
    return null;
  });
  assert.ok(g.switch() instanceof TypeError);
});

test('an error thrown by fn is rethrown in the greenlet with its identity kept', () => {
  const err = new RangeError('thrown on main');
  const notAnError = { reason: 'plain object' };
  const g = new Greenlet(() => {
    const caught = [];
    for (const thrown of [err, notAnError]) {
      try {
        onMain(() => {
          // Thrown on the main thread, not the carrier.
          affine.mainThreadOnly(0);
          throw thrown;
        });
        caught.push('no error');
      } catch (e) {
        caught.push(e);
      }
    }
    // The greenlet is intact after the failed calls.
    caught.push(getCurrent(), onMain(() => affine.mainThreadOnly('still fine')));
    return caught;
  });
  const [first, second, self, fine] = g.switch();
  assert.equal(first, err, 'same Error object');
  assert.equal(second, notAnError, 'same non-Error value');
  assert.equal(self, g);
  assert.equal(fine, 'still fine');
});

test('an error escaping onMain propagates out of run to the parent', () => {
  const err = new Error('escapes');
  const g = new Greenlet(() => onMain(() => { throw err; }));
  assert.throws(() => g.switch(), (e) => e === err);
  assert.ok(g.dead);
});

test('switching inside an onMain fn throws GreenletError', () => {
  let other = null;
  const g = new Greenlet(() => {
    other = new Greenlet(() => 'other ran'); // its parent is g: its result comes back here
    let error = null;
    try {
      onMain(() => other.switch());
    } catch (e) {
      error = e;
    }
    const startedByFailedSwitch = other.started;
    let mainError = null;
    try {
      onMain(() => Greenlet.main.switch('to main'));
    } catch (e) {
      mainError = e;
    }
    // After onMain returns, switching works again.
    const afterwards = other.switch();
    return { error, mainError, afterwards, startedByFailedSwitch };
  });
  const r = g.switch();
  assert.ok(r.error instanceof GreenletError, `expected GreenletError, got ${r.error}`);
  assert.match(r.error.message, /onMain/);
  assert.equal(r.startedByFailedSwitch, false, 'the refused switch must not start the target');
  assert.ok(r.mainError instanceof GreenletError, `expected GreenletError, got ${r.mainError}`);
  assert.equal(r.afterwards, 'other ran');
  assert.equal(other.parent, g);
  assert.ok(other.dead);
  assert.ok(g.dead);
});

test('many greenlets, each 100 onMain calls interleaved with switches to main', () => {
  const COUNT = 24;
  const CALLS = 100;
  const main = Greenlet.main;
  const log = [];
  const greenlets = [];
  for (let k = 0; k < COUNT; k++) {
    greenlets.push(
      new Greenlet((id) => {
        const carrier = affine.threadId();
        let sum = 0;
        for (let i = 0; i < CALLS; i++) {
          const got = onMain(() => {
            if (affine.threadId() !== mainTid) throw new Error('fn ran off the main thread');
            return affine.mainThreadOnly(id * 1000 + i);
          });
          if (got !== id * 1000 + i) throw new Error(`greenlet ${id} call ${i}: got ${got}`);
          if (affine.threadId() !== carrier) throw new Error('greenlet changed carrier');
          sum += got;
          // Every few calls, hand control back to main, which resumes the next greenlet.
          if (i % 3 === 0) {
            const back = main.switch(id);
            if (back !== `resume ${id}`) throw new Error(`greenlet ${id}: resumed with ${back}`);
          }
        }
        return { id, sum, carrier };
      }),
    );
  }
  const results = new Map();
  let rounds = 0;
  for (let alive = true; alive; rounds++) {
    alive = false;
    for (let k = 0; k < COUNT; k++) {
      const g = greenlets[k];
      if (g.dead) continue;
      alive = true;
      const out = g.started ? g.switch(`resume ${k}`) : g.switch(k);
      if (typeof out === 'number') {
        assert.equal(out, k);
        log.push(k);
      } else {
        assert.ok(g.dead);
        results.set(k, out);
      }
    }
    assert.ok(rounds < CALLS, 'the greenlets never finished');
  }
  assert.equal(results.size, COUNT);
  const carriers = new Set();
  for (const [k, r] of results) {
    assert.equal(r.id, k);
    let expected = 0;
    for (let i = 0; i < CALLS; i++) expected += k * 1000 + i;
    assert.equal(r.sum, expected);
    assert.notEqual(r.carrier, mainTid);
    carriers.add(r.carrier);
  }
  // Switches to main were interleaved across greenlets, not run one greenlet at a time.
  assert.equal(log.length, COUNT * Math.ceil(CALLS / 3));
  assert.deepEqual(log.slice(0, COUNT), [...Array(COUNT).keys()]);
  // All greenlets were alive at once, so each had its own carrier thread.
  assert.equal(carriers.size, COUNT);
});
