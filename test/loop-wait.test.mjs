// waitFor(), sleep() and blocking(): a greenlet waits on the event loop (real timers,
// real fs.promises) while the loop keeps running; the main greenlet may never wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Greenlet, GreenletError, GreenletExit, getCurrent, waitFor, sleep, blocking, asyncify, spawn } from 'tendril';

const MAIN_WOULD_BLOCK = /cannot wait in the main greenlet: it runs the event loop.*spawn\(fn\) or asyncify\(fn\)/;

/** A promise plus its resolve/reject. */
function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('waitFor, sleep and blocking functions throw GreenletError in the main greenlet', async () => {
  assert.equal(getCurrent().isMain, true);
  assert.throws(() => waitFor(Promise.resolve(1)), (e) => e instanceof GreenletError && /^waitFor\(\) /.test(e.message) && MAIN_WOULD_BLOCK.test(e.message));
  assert.throws(() => waitFor(42), GreenletError, 'even a plain value: waiting in main is always an error');
  assert.throws(() => sleep(0), (e) => e instanceof GreenletError && /^sleep\(\) /.test(e.message) && MAIN_WOULD_BLOCK.test(e.message));
  let called = 0;
  const read = blocking(async function readThing() {
    called++;
    return 1;
  });
  assert.equal(read.name, 'readThing');
  assert.throws(() => read(), (e) => e instanceof GreenletError && /^blocking\(readThing\) /.test(e.message));
  assert.equal(called, 0, 'the async function is not called when the wait cannot happen');
  // A rejected promise handed to waitFor in main is left alone: still the caller's.
  const rejected = Promise.reject(new Error('mine'));
  assert.throws(() => waitFor(rejected), GreenletError);
  await assert.rejects(rejected, /mine/);
});

test('waitFor returns the value of a real timer promise; the event loop runs meanwhile', async () => {
  const log = [];
  // The greenlet waits for the timer and for three ticks of an interval: on a slow
  // machine (qemu) 60 ms may pass before the interval first runs.
  let ticked;
  const threeTicks = new Promise((resolve) => (ticked = resolve));
  const interval = setInterval(() => {
    log.push('tick');
    if (log.filter((x) => x === 'tick').length === 3) ticked();
  }, 5);
  const [value, seen] = await asyncify(() => {
    log.push('before');
    const v = waitFor(Promise.all([delay(60, 'timer value'), threeTicks]))[0];
    log.push('after');
    return [v, [...log]];
  })();
  clearInterval(interval);
  assert.equal(value, 'timer value');
  assert.equal(seen[0], 'before');
  assert.equal(seen.at(-1), 'after');
  const ticks = seen.filter((x) => x === 'tick').length;
  assert.ok(ticks >= 3, `the interval must keep firing while the greenlet waits (${ticks} ticks)`);
  assert.equal(seen.length, ticks + 2);
});

test('greenlets waiting on timers resume in timer order, not start order', async () => {
  const log = [];
  // The timers are armed together, here, so their order does not depend on how long the
  // greenlets take to start.
  const tasks = [80, 10, 45].map((ms) => [ms, delay(ms, ms)]).map(([ms, timer]) =>
    spawn(() => {
      log.push(`start ${ms}`);
      log.push(`woke ${ms}: ${waitFor(timer)}`);
      return ms;
    }),
  );
  assert.deepEqual(await Promise.all(tasks.map((t) => t.promise)), [80, 10, 45]);
  assert.deepEqual(log, ['start 80', 'start 10', 'start 45', 'woke 10: 10', 'woke 45: 45', 'woke 80: 80']);
});

test('a rejection is thrown at the waitFor call, the very same error object', async () => {
  const boom = new Error('boom');
  const result = await asyncify(() => {
    try {
      waitFor(delay(5).then(() => {
        throw boom;
      }));
      return 'not thrown';
    } catch (e) {
      return e;
    }
  })();
  assert.equal(result, boom);
  // A non-Error rejection value too.
  const other = await asyncify(() => {
    try {
      waitFor(Promise.reject(17));
    } catch (e) {
      return e;
    }
  })();
  assert.equal(other, 17);
});

test('waitFor with real fs.promises: write, read back, stat, and an ENOENT rejection', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-wait-'));
  try {
    const result = await asyncify((file) => {
      waitFor(fs.promises.writeFile(file, 'hello from a greenlet\n'));
      const text = waitFor(fs.promises.readFile(file, 'utf8'));
      const size = waitFor(fs.promises.stat(file)).size;
      let code = null;
      try {
        waitFor(fs.promises.readFile(file + '.missing'));
      } catch (e) {
        code = e.code;
      }
      return { text, size, code };
    })(path.join(dir, 'a.txt'));
    assert.deepEqual(result, { text: 'hello from a greenlet\n', size: 22, code: 'ENOENT' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('waitFor takes thenables and plain values, like await', async () => {
  const result = await asyncify(() => {
    const thenable = { then: (res) => setTimeout(() => res('from thenable'), 5) };
    const failing = {
      then: (_res, rej) => rej(new RangeError('thenable rejection')),
    };
    let failure = null;
    try {
      waitFor(failing);
    } catch (e) {
      failure = e;
    }
    return [waitFor(thenable), waitFor(7), waitFor(undefined), failure instanceof RangeError && failure.message];
  })();
  assert.deepEqual(result, ['from thenable', 7, undefined, 'thenable rejection']);
});

test("main's pending switch() returns undefined when the greenlet waits; the result goes nowhere else", async () => {
  const d = deferred();
  const log = [];
  const g = new Greenlet((x) => {
    log.push(`got ${x}`);
    const v = waitFor(d.promise);
    log.push(`resumed with ${v}`);
    return 'done';
  });
  assert.equal(g.switch('arg'), undefined);
  assert.equal(g.dead, false);
  assert.deepEqual(log, ['got arg']);
  d.resolve('value');
  await delay(5);
  assert.equal(g.dead, true);
  assert.deepEqual(log, ['got arg', 'resumed with value']);
});

test('a stray switch() to a waiting greenlet throws GreenletError; the waiter stays parked and resumes correctly', async () => {
  const d = deferred();
  const log = [];
  const g = new Greenlet(() => {
    const v = waitFor(d.promise);
    log.push(`waitFor -> ${v}`);
    sleep(20);
    log.push('slept');
    return 'end';
  });
  g.switch();
  assert.throws(() => g.switch('stray'), (e) => e instanceof GreenletError && /waiting in waitFor\(\)/.test(e.message));
  assert.throws(() => g.switch(), GreenletError);
  // Also from another greenlet: the switch throws there, not in the waiter.
  const other = await asyncify(() => {
    try {
      g.switch('from another greenlet');
      return 'no error';
    } catch (e) {
      return e instanceof GreenletError ? 'GreenletError' : String(e);
    }
  })();
  assert.equal(other, 'GreenletError');
  assert.deepEqual(log, []);
  assert.equal(g.dead, false);
  d.resolve('the real value');
  await delay(5);
  assert.deepEqual(log, ['waitFor -> the real value']);
  assert.throws(() => g.switch(), (e) => e instanceof GreenletError && /waiting in sleep\(\)/.test(e.message));
  await delay(40);
  assert.deepEqual(log, ['waitFor -> the real value', 'slept']);
  assert.equal(g.dead, true);
});

test('throw() interrupts a waitFor; the later settlement does not resume it a second time', async () => {
  const d = deferred();
  const log = [];
  const g = new Greenlet(() => {
    try {
      waitFor(d.promise);
      log.push('resumed by the promise?!');
    } catch (e) {
      log.push(`caught ${e.message}`);
    }
    const again = deferred();
    setTimeout(() => again.resolve('second wait'), 10);
    log.push(waitFor(again.promise));
    return 'finished';
  });
  g.switch();
  const interrupt = new Error('interrupt');
  assert.equal(g.throw(interrupt), undefined, 'the greenlet waits again: main gets undefined');
  assert.deepEqual(log, ['caught interrupt']);
  d.resolve('late');
  await delay(30);
  assert.deepEqual(log, ['caught interrupt', 'second wait']);
  assert.equal(g.dead, true);
});

test('GreenletExit thrown into a sleeping greenlet runs its finally block', async () => {
  const log = [];
  const g = new Greenlet(() => {
    try {
      sleep(10_000);
      log.push('woke?!');
    } finally {
      log.push('finally');
    }
  });
  g.switch();
  const exit = g.throw();
  assert.ok(exit instanceof GreenletExit);
  assert.equal(g.dead, true);
  assert.deepEqual(log, ['finally']);
});

test('sleep waits about the time asked, sleep(0) yields one turn, bad durations are RangeErrors', async () => {
  const result = await asyncify(() => {
    const t0 = performance.now();
    sleep(50);
    const slept = performance.now() - t0;
    let immediate = false;
    setImmediate(() => {
      immediate = true;
    });
    sleep();
    const errors = [-1, NaN, '5'].map((ms) => {
      try {
        sleep(ms);
        return 'no error';
      } catch (e) {
        return e.constructor.name;
      }
    });
    return { slept, immediate, errors };
  })();
  assert.ok(result.slept >= 49 && result.slept < 1000, `slept ${result.slept} ms`);
  assert.equal(result.immediate, true, 'sleep(0) lets the event loop run its check phase');
  assert.deepEqual(result.errors, ['RangeError', 'RangeError', 'RangeError']);
});

test('blocking(asyncFn) keeps this and the arguments and waits for the result or the rejection', async () => {
  const obj = {
    factor: 3,
    async scale(x, y) {
      await delay(5);
      if (x < 0) throw new RangeError(`negative ${x}`);
      return (x + y) * this.factor;
    },
  };
  obj.scaleSync = blocking(obj.scale);
  const readFile = blocking(fs.promises.readFile);
  const result = await asyncify(() => {
    const scaled = obj.scaleSync(2, 5);
    let error = null;
    try {
      obj.scaleSync(-1, 0);
    } catch (e) {
      error = e;
    }
    const text = readFile(new URL(import.meta.url), 'utf8');
    return { scaled, error: error instanceof RangeError && error.message, firstLine: text.split('\n')[0] };
  })();
  assert.deepEqual(result, {
    scaled: 21,
    error: 'negative -1',
    firstLine: '// waitFor(), sleep() and blocking(): a greenlet waits on the event loop (real timers,',
  });
  assert.throws(() => blocking(42), TypeError);
});

test('waitFor from a nested greenlet (parent: another waiting-capable greenlet) returns to main, not to the parent', async () => {
  const log = [];
  const result = await asyncify(() => {
    const child = new Greenlet(() => {
      log.push('child waits');
      const v = waitFor(delay(10, 'x'));
      log.push(`child resumed ${v}`);
      return 'child result';
    });
    const r = child.switch(); // the child waits: control goes to main, this greenlet stays parked in switch()
    log.push(`parent got ${r}`);
    return r;
  })();
  // The child's result went to its parent (this task), whose pending switch() returned it.
  assert.equal(result, 'child result');
  assert.deepEqual(log, ['child waits', 'child resumed x', 'parent got child result']);
});
