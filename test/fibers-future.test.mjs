// tendril/fibers/future: node-fibers' Future, as its documentation describes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { runFixture } from './helpers.mjs';

const require = createRequire(import.meta.url);
const Fiber = require('tendril/fibers');
const Future = require('tendril/fibers/future');

/** Runs `fn` in a fiber and resolves with what it returns (rejects with what it throws). */
function inFiber(fn) {
  return new Promise((resolve, reject) => {
    Fiber(() => {
      try {
        resolve(fn());
      } catch (error) {
        reject(error);
      }
    }).run();
  });
}

function later(ms, fn) {
  setTimeout(fn, ms);
}

test('return/throw settle once; get() gives the value or throws the error; isResolved()', () => {
  const ok = new Future();
  assert.equal(ok.isResolved(), false);
  assert.throws(() => ok.get(), /Future must resolve before value is ready/);
  ok.return(42);
  assert.equal(ok.isResolved(), true);
  assert.equal(ok.get(), 42);
  assert.throws(() => ok.return(1), /Future resolved more than once/);
  assert.throws(() => ok.throw(new Error('x')), /Future resolved more than once/);

  const bad = new Future();
  const boom = new Error('boom');
  bad.throw(boom);
  assert.throws(() => bad.get(), (error) => error === boom);
  assert.throws(() => new Future().throw(undefined), /Must throw non-empty error/);
  assert.throws(() => new Future().throw(0), /Must throw non-empty error/);
});

test('wait() in a fiber yields until the future settles; the event loop runs meanwhile', async () => {
  const future = new Future();
  let ticked = false;
  later(5, () => {
    ticked = true;
    future.return('late');
  });
  assert.equal(await inFiber(() => future.wait()), 'late');
  assert.ok(ticked);
  const failed = new Future();
  later(1, () => failed.throw(new Error('late failure')));
  await assert.rejects(inFiber(() => failed.wait()), /late failure/);
  assert.throws(() => new Future().wait(), /Can't wait without a fiber/);
});

test('Future.wait: futures and arrays of them, errors left for get(); misuse', async () => {
  const a = new Future();
  const b = new Future();
  const c = new Future();
  later(3, () => a.return('a'));
  later(1, () => b.throw(new Error('b failed')));
  c.return('c');
  await inFiber(() => {
    Future.wait(a, [b, c]);
    assert.equal(a.get(), 'a');
    assert.throws(() => b.get(), /b failed/);
  });
  await assert.rejects(inFiber(() => Future.wait(a, 'x')), /x is not a future/);
  await assert.rejects(inFiber(() => Future.wait([a, 7])), /7 is not a future/);
  assert.throws(() => Future.wait(new Future()), /Can't wait without a fiber/);
  await inFiber(() => Future.wait()); // nothing to wait for
});

test('resolve(errback), resolve(future, onValue), resolveSuccess, proxy, proxyErrors, resolver', () => {
  const seen = [];
  const value = new Future();
  value.resolve((error, v) => seen.push(['errback', error, v]));
  const target = new Future();
  value.resolve(target, (v) => seen.push(['onValue', v]));
  value.resolveSuccess((v) => seen.push(['success', v]));
  const proxied = new Future();
  value.proxy(proxied);
  assert.equal(value.resolve(() => {}), value, 'resolve() returns the future');
  value.resolver()(null, 'v');
  assert.deepEqual(seen, [['errback', undefined, 'v'], ['onValue', 'v'], ['success', 'v']]);
  assert.equal(proxied.get(), 'v');
  assert.equal(target.isResolved(), false);
  // Already settled: callbacks run at once.
  value.resolve((error, v) => seen.push(['late', v]));
  assert.deepEqual(seen.at(-1), ['late', 'v']);

  const failure = new Error('failure');
  const failing = new Future();
  const onError = new Future();
  const errorsTo = [new Future(), new Future()];
  failing.resolve(onError, () => seen.push('not called'));
  failing.resolveSuccess(() => seen.push('not called'));
  failing.proxyErrors(errorsTo);
  failing.resolver()(failure);
  assert.throws(() => onError.get(), (e) => e === failure);
  for (const f of errorsTo) assert.throws(() => f.get(), (e) => e === failure);
  assert.ok(!seen.includes('not called'));
});

test('promise() and Future.fromPromise()', async () => {
  const future = new Future();
  later(1, () => future.return('via promise'));
  assert.equal(await future.promise(), 'via promise');
  const failed = new Future();
  failed.throw(new Error('rejected'));
  await assert.rejects(failed.promise(), /rejected/);
  assert.equal(await inFiber(() => Future.fromPromise(Promise.resolve('resolved')).wait()), 'resolved');
  await assert.rejects(inFiber(() => Future.fromPromise(Promise.reject(new Error('no'))).wait()), /no/);
});

test('Function.prototype.future(): a call runs in a fiber of its own, this and arguments kept', async () => {
  assert.equal(Object.getOwnPropertyDescriptor(Function.prototype, 'future').enumerable, false);
  const object = {
    base: 10,
    add: function (x) {
      return this.base + x + (Fiber.current instanceof Fiber ? 1000 : 0);
    }.future(),
  };
  const future = object.add(5);
  assert.ok(future instanceof Future);
  assert.equal(future.isResolved(), false, 'it starts on the next tick');
  assert.equal(await future.promise(), 1015);
  const failing = function () {
    throw new Error('in the future');
  }.future()();
  await assert.rejects(failing.promise(), /in the future/);
});

test('Future.wait runs a future function nobody started yet right in the waiting fiber', async () => {
  let ranIn;
  const lazy = function () {
    ranIn = Fiber.current;
    return 'inline';
  }.future();
  const waiter = await inFiber(() => {
    const future = lazy();
    assert.equal(future.wait(), 'inline');
    return Fiber.current;
  });
  assert.equal(ranIn, waiter);
});

test('Future.task: one function or several (their results as an array, or an error)', async () => {
  assert.equal(await Future.task(() => Fiber.current instanceof Fiber).promise(), true);
  const both = Future.task(() => 1, () => {
    Future.fromPromise(new Promise((resolve) => setTimeout(resolve, 2))).wait();
    return 2;
  });
  assert.deepEqual(await both.promise(), [1, 2]);
  await assert.rejects(Future.task(() => 1, () => {
    throw new Error('task failed');
  }).promise(), /task failed/);
});

test('Future.wrap: node-style functions and objects; multi; suffix; the call\'s own result as _', async () => {
  function add(a, b, callback) {
    setTimeout(() => (a < 0 ? callback(new Error('negative')) : callback(null, a + b)), 1);
    return 'returned now';
  }
  function pair(callback) {
    setTimeout(() => callback(null, 'x', 'y'), 1);
  }
  const addFuture = Future.wrap(add);
  const future = addFuture(2, 3);
  assert.equal(future._, 'returned now');
  assert.equal(await future.promise(), 5);
  await assert.rejects(addFuture(-1, 0).promise(), /negative/);
  assert.deepEqual(await Future.wrap(pair, true)().promise(), ['x', 'y']);

  const api = {
    factor: 3,
    times(x, callback) {
      setTimeout(() => callback(null, x * this.factor), 1);
    },
    notAFunction: 7,
  };
  const wrapped = Future.wrap(api);
  assert.equal(Object.getPrototypeOf(wrapped), api);
  assert.equal(await wrapped.timesFuture(4).promise(), 12);
  assert.equal(wrapped.notAFunctionFuture, undefined);
  assert.equal(typeof Future.wrap(api, false, 'Later').timesLater, 'function');
  // A function with methods of its own (like `request.get`) gets future versions of them.
  const request = (callback) => setTimeout(() => callback(null, 'called'), 1);
  request.get = (url, callback) => setTimeout(() => callback(null, `got ${url}`), 1);
  const wrappedRequest = Future.wrap(request);
  assert.equal(await wrappedRequest().promise(), 'called');
  assert.equal(await wrappedRequest.getFuture('/x').promise(), 'got /x');
  assert.equal(Future.wrap(42), undefined);
});

test('what a callback throws, and a detached future\'s error, become uncaught exceptions', () => {
  const { code, stdout, stderr } = runFixture('fibers-future-uncaught.js');
  assert.equal(code, 0, stderr);
  assert.equal(stdout, 'other callbacks still ran\nuncaught: from a callback\nuncaught: detached failure\n');
});
