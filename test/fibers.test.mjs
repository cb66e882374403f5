// tendril/fibers: node-fibers' Fiber, as its documentation describes it (the suite in
// fibers-suite.test.mjs is node-fibers' own; these pin down the rest of the contract).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Greenlet, stats, configure, waitFor } from 'tendril';
import { runFixture } from './helpers.mjs';

const require = createRequire(import.meta.url);
const Fiber = require('tendril/fibers');

test('Fiber(fn) with and without new, subclasses, instanceof', () => {
  const called = Fiber(() => 1);
  const constructed = new Fiber(() => 2);
  assert.ok(called instanceof Fiber);
  assert.ok(constructed instanceof Fiber);
  assert.equal(Object.getPrototypeOf(called), Fiber.prototype);
  assert.equal(Fiber.prototype.constructor, Fiber);
  assert.equal(called.run(), 1);
  assert.equal(constructed.run(), 2);
  class Tagged extends Fiber {
    tag() {
      return 'tagged';
    }
  }
  const sub = new Tagged(() => Fiber.current);
  assert.ok(sub instanceof Tagged && sub instanceof Fiber);
  assert.equal(sub.tag(), 'tagged');
  assert.equal(sub.run(), sub, 'Fiber.current is the very object, subclass and all');
});

test('run(value) starts fn(value) with this the global object; run() passes no argument', () => {
  const seen = [];
  const fiber = Fiber(function (...args) {
    // (module code is strict: `this` would be undefined unless node-fibers' global is passed)
    seen.push(this === globalThis, args);
  });
  fiber.run('v');
  fiber.run();
  assert.deepEqual(seen, [true, ['v'], true, []]);
});

test('yield and run pass values both ways; the result of fn is the last run()\'s', () => {
  const inc = Fiber((start) => {
    let total = start;
    for (let i = 0; i < 3; i++) total += Fiber.yield(total);
    return `done at ${total}`;
  });
  assert.equal(inc.run(1), 1);
  assert.equal(inc.run(2), 3);
  assert.equal(inc.run(3), 6);
  assert.equal(inc.run(4), 'done at 10');
  assert.equal(inc.started, false);
});

test('a fiber whose function returned is reset and runs again from the start', () => {
  let starts = 0;
  const fiber = Fiber(() => {
    starts++;
    return Fiber.yield('first half') + ' second half';
  });
  for (let i = 0; i < 3; i++) {
    assert.equal(fiber.started, false);
    assert.equal(fiber.run(), 'first half');
    assert.equal(fiber.started, true);
    assert.equal(fiber.run('then'), 'then second half');
  }
  assert.equal(starts, 3);
});

test('Fiber.current; yield goes back to whoever ran the fiber last', () => {
  assert.equal(Fiber.current, undefined);
  const log = [];
  const inner = Fiber(() => {
    log.push(`inner in ${Fiber.current === inner ? 'inner' : '?'}`);
    Fiber.yield('to outer');
    log.push('inner resumed by main');
    Fiber.yield('to main');
  });
  const outer = Fiber(() => {
    log.push(`outer got ${inner.run()}`);
    log.push(`outer is ${Fiber.current === outer ? 'current' : '?'}`);
  });
  outer.run();
  assert.equal(inner.run(), 'to main');
  assert.deepEqual(log, ['inner in inner', 'outer got to outer', 'outer is current', 'inner resumed by main']);
  assert.equal(Fiber.current, undefined);
  inner.run();
  // Fiber.current is undefined in greenlets that are not fibers, too.
  assert.equal(new Greenlet(() => Fiber.current).switch(), undefined);
});

test('throwInto raises at the pending yield; uncaught, it comes back out of throwInto', () => {
  const boom = new Error('boom');
  const catcher = Fiber(() => {
    try {
      Fiber.yield();
    } catch (error) {
      return error === boom ? 'caught boom' : 'wrong error';
    }
  });
  catcher.run();
  assert.equal(catcher.throwInto(boom), 'caught boom');
  const thrower = Fiber(() => Fiber.yield());
  thrower.run();
  assert.throws(() => thrower.throwInto(boom), (error) => error === boom);
  assert.equal(thrower.started, false);
  const undefinedThrown = Fiber(() => {
    try {
      Fiber.yield();
    } catch (error) {
      return `caught ${error}`;
    }
  });
  undefinedThrown.run();
  assert.equal(undefinedThrown.throwInto(), 'caught undefined');
});

test('reset(): every yield throws until fn returns; its value or its own error comes out', () => {
  let caught = 0;
  let message;
  const stubborn = Fiber(() => {
    for (let i = 0; i < 5; i++) {
      try {
        Fiber.yield();
      } catch (error) {
        caught++;
        message = error.message;
      }
    }
    return 'unwound';
  });
  stubborn.run();
  assert.equal(stubborn.reset(), 'unwound');
  assert.equal(caught, 5);
  assert.equal(message, 'This Fiber is a zombie');
  assert.equal(stubborn.started, false);

  const plain = Fiber(() => {
    Fiber.yield();
    return 'not reached';
  });
  plain.run();
  assert.equal(plain.reset(), undefined, 'the unwinding error itself is swallowed');

  const other = new Error('other');
  const failing = Fiber(() => {
    try {
      Fiber.yield();
    } finally {
      throw other; // eslint-disable-line no-unsafe-finally
    }
  });
  failing.run();
  assert.throws(() => failing.reset(), (error) => error === other);

  assert.equal(Fiber(() => {}).reset(), undefined, 'reset() of a fiber never started does nothing');
  // After a reset the fiber runs again from the start.
  assert.equal(plain.run(), undefined);
  assert.equal(plain.run(), 'not reached');
});

test('misuse throws node-fibers\' errors', () => {
  const expect = (fn, type, message) => assert.throws(fn, (error) => error.constructor === type && error.message === message);
  expect(() => Fiber(), TypeError, 'Fiber expects 1 argument');
  expect(() => new Fiber(() => {}, 2), TypeError, 'Fiber expects 1 argument');
  expect(() => Fiber('nope'), TypeError, 'Fiber expects a function');
  expect(() => Fiber.yield(), Error, 'yield() called with no fiber running');
  for (const method of ['run', 'throwInto', 'reset']) {
    for (const self of [null, undefined, {}, Fiber.prototype, Greenlet.main]) {
      expect(() => Fiber.prototype[method].call(self), TypeError, 'Illegal invocation');
    }
  }
  const started = Object.getOwnPropertyDescriptor(Fiber.prototype, 'started').get;
  assert.equal(started.call({}), undefined);
  assert.equal(started.call(Fiber.prototype), undefined);

  const errors = [];
  const self = Fiber(() => {
    for (const attempt of [() => self.run(), () => self.throwInto(1), () => self.reset(), () => Fiber.yield(1, 2)]) {
      try {
        attempt();
      } catch (error) {
        errors.push(`${error.constructor.name}: ${error.message}`);
      }
    }
    Fiber.yield();
  });
  self.run();
  assert.deepEqual(errors, [
    'Error: This Fiber is already running',
    'Error: This Fiber is not yielding',
    'Error: This Fiber is not yielding',
    'TypeError: yield() expects 1 or no arguments',
  ]);
  expect(() => self.run(1, 2), TypeError, 'run() excepts 1 or no arguments');
  expect(() => self.throwInto(1, 2), TypeError, 'throwInto() expects 1 or no arguments');
  expect(() => self.reset(1), TypeError, 'reset() expects no arguments');
  expect(() => Fiber(() => {}).throwInto(), Error, 'This Fiber is not yielding');
  self.run();
});

test('tendril\'s waits work in a fiber: control goes to the event loop, run() from main returns undefined', async () => {
  let waited;
  const fiber = Fiber(() => {
    waited = waitFor(new Promise((resolve) => setTimeout(() => resolve('waited'), 1)));
    return Fiber.yield('after the wait');
  });
  assert.equal(fiber.run(), undefined);
  assert.equal(fiber.started, true);
  for (let turns = 0; waited === undefined && turns < 1000; turns++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(waited, 'waited');
  // The fiber yielded to its parent, the main greenlet, whose wake-up callback moved on.
  assert.equal(fiber.started, true);
  assert.equal(fiber.run('last'), 'last');
  assert.equal(fiber.started, false);
});

test('freeze reports are off once tendril/fibers is loaded, unless the app chose a maxBlockingTime', () => {
  const probe = (before) => {
    const script =
      `const t = require('tendril'); ${before}; const Fiber = require('tendril/fibers');` +
      `Fiber(() => { const end = Date.now() + 800; while (Date.now() < end); }).run();`;
    return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_ENV: '' } });
  };
  const quiet = probe('');
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.equal(quiet.stderr, '');
  const chosen = probe('t.configure({ maxBlockingTime: 100 })');
  assert.equal(chosen.status, 0, chosen.stderr);
  assert.match(chosen.stderr, /GreenletWarning: a greenlet has kept the event loop waiting for \d+ ms/);
});

test('Fiber.poolSize is tendril\'s idleCarriers: finished fibers\' threads kept for reuse', () => {
  const saved = Fiber.poolSize;
  try {
    Fiber.poolSize = 3;
    assert.equal(Fiber.poolSize, 3);
    const fibers = Array.from({ length: 8 }, () => Fiber(() => Fiber.yield()));
    for (const fiber of fibers) fiber.run();
    for (const fiber of fibers) fiber.run();
    assert.ok(stats().idleCarriers <= 3, `idle carriers ${stats().idleCarriers}`);
    assert.throws(() => {
      Fiber.poolSize = -1;
    }, RangeError);
  } finally {
    configure({ idleCarriers: saved });
  }
});

test('a yielding fiber whose Fiber object is collected is unwound like reset()', () => {
  const { code, stdout, stderr } = runFixture('fibers-gc.js', ['unwinds'], { execArgv: ['--expose-gc'] });
  assert.equal(code, 0, stderr);
  assert.equal(stdout, 'caught This Fiber is a zombie in the same fiber: true\nfinally ran\nunwound\n');
  assert.equal(stderr, '');
});

test('an error escaping the unwinding of a collected fiber is an uncaught exception', () => {
  const { code, stderr } = runFixture('fibers-gc.js', ['throws'], { execArgv: ['--expose-gc'] });
  assert.equal(code, 1);
  assert.match(stderr, /thrown while unwinding/);
});

test('at exit, fibers left yielding run their finally blocks (tendril\'s teardown)', () => {
  const { code, stdout, stderr } = runFixture('fibers-gc.js', ['exit']);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, 'finally at exit\n');
  assert.equal(stderr, '');
});

test('workers: each thread has its own fibers and futures, and ends cleanly with one yielding', () => {
  const { code, stdout, stderr } = runFixture('fibers-worker.js');
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
  assert.equal(stdout, [
    'worker 1 counted 10,11,12, in a fiber true',
    'worker 1 exit 0',
    'worker 2 counted 20,21,22, in a fiber true',
    'worker 2 exit 0',
    '',
  ].join('\n'));
});

test('typings: test/types/fibers-usage.ts compiles, every expected error included', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const project = fileURLToPath(new URL('./types/fibers.tsconfig.json', import.meta.url));
  const result = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
