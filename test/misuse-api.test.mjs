// Misuse: every exported API called with wrong types and values. Each row is one call:
// it must throw the named error (class and message) or, where the row says "accepts",
// do exactly what the row says. After the table, nothing may have changed: no greenlet
// started or left behind, the tracer and the configuration as they were.
//
// | API                              | bad input                                         | outcome                           |
// |----------------------------------|---------------------------------------------------|-----------------------------------|
// | Greenlet (called without new)    | -                                                 | TypeError (class constructor)     |
// | new Greenlet(run)                | number, string, boolean, object, array, symbol,   | TypeError run must be a function  |
// |                                  | bigint, Date, Promise                             |                                   |
// | new Greenlet(fn, parent)         | number, string, {}, [], function, symbol,         | TypeError parent must be a        |
// |                                  | Greenlet.prototype, Object.create(prototype),     |   Greenlet of this thread         |
// |                                  | a structured clone of a Greenlet                  |                                   |
// | g.switch / g.throw / getters     | this = undefined, null, 42, {}, prototype, clone  | TypeError this must be a Greenlet |
// | g.parent = x                     | null, undefined, 42, {}, clone, self, descendant  | TypeError / GreenletError cycle   |
// | main.parent = g                  | -                                                 | GreenletError main parent         |
// | g.run = x                        | undefined, null, 42, {} ; after start ; on main   | TypeError / GreenletError started |
// | g.dead = x, Greenlet.main = x    | -                                                 | TypeError (getter only)           |
// | g.switch() on a run-less g       | -                                                 | GreenletError no run function     |
// | g.throw(x) on a run-less g       | -                                                 | GreenletError no run function     |
// | settrace(x)                      | 1, 'f', {}, true                                  | TypeError takes a function or null|
// | settrace() / settrace(undefined) | -                                                 | accepts: clears, returns previous |
// | onMain(x)                        | undefined, 1, 'f', {}                             | TypeError onMain() takes a function|
// | configure(x)                     | undefined, null                                   | TypeError (cannot read stackSize) |
// | configure(x)                     | 42, 'x'                                           | TypeError (not an options object) |
// | configure(x)                     | {}                                                | accepts: no option, no change     |
// | configure({ stackSize })         | '1', -1, 0, 1.5, NaN, Infinity, 2**31, 1024, null | RangeError stackSize must be ...  |
// | configure({ idleCarriers })      | -1, 0.5, NaN, 1e6, '3', null                      | RangeError idleCarriers must be ..|
// | getCurrent(x), stats(x)          | any arguments                                     | accepts: ignored                  |
// | sleep(ms)                        | null, '5', -1, NaN, {}, -Infinity, 10n            | RangeError takes a number >= 0    |
// | sleep / waitFor / blocking()() / | called in the main greenlet                       | GreenletError cannot wait in main |
// |   join / receive / iteration     |                                                   |                                   |
// | blocking(x), spawn(x),           | undefined, 1, 'f', {}                             | TypeError takes a function        |
// |   asyncify(x), new Task(x)       |                                                   |                                   |
// | Task (called without new)        | -                                                 | TypeError (class constructor)     |
// | Task.prototype.kill/dead, Channel| this = {}                                         | TypeError not a Task / Channel    |
// |   send/tryReceive/close          |                                                   |                                   |
// | Task.prototype.join in a greenlet| this = {}                                         | TypeError                         |
// | channel.send(v) after close()    | -                                                 | ChannelClosed                     |
// | fromEvent(x, name)               | null, undefined, 42, {}, { on } without           | TypeError takes an EventEmitter   |
// |                                  | removeListener                                    |   or an EventTarget               |
// | fromEvent(eventTarget, name)     | Symbol, 42                                        | TypeError event name must be a    |
// |                                  |                                                   |   string                          |
// | fromEvent(emitter, 'x', null)    | -                                                 | TypeError (cannot read closeOn)   |
// | fromEvent(emitter, name)         | undefined, 42                                     | TypeError (not a string/symbol)   |
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import {
  Greenlet,
  getCurrent,
  settrace,
  gettrace,
  onMain,
  configure,
  stats,
  GreenletExit,
  GreenletError,
  waitFor,
  sleep,
  blocking,
  spawn,
  asyncify,
  Task,
  Channel,
  ChannelClosed,
  fromEvent,
} from 'tendril';

const main = Greenlet.main;
const sample = new Greenlet(() => 'sample');
const clone = structuredClone(sample);
const fn = () => 1;

const TYPE_RUN = [TypeError, /^run must be a function, not /];
const TYPE_PARENT = [TypeError, /^parent must be a Greenlet of this thread, not /];
const TYPE_THIS = [TypeError, /^this must be a Greenlet of this thread, not /];
const CTOR = (name) => [TypeError, new RegExp(`^Class constructor ${name} cannot be invoked without 'new'$`)];
const GETTER = [TypeError, /^Cannot set property \w+ of .+ which has only a getter$|^Cannot set property main of class Greenlet/];
const NO_RUN = [GreenletError, /^cannot switch to a greenlet that has no run function/];
const IN_MAIN = (what) => [GreenletError, new RegExp(`^${what.replace(/[()]/g, '\\$&')} cannot wait in the main greenlet`)];
const NOT_INSTANCE = [TypeError, /^(Task|Channel)#\w+(\(\))? called on something that is not a (Task|Channel)$/];
const STACK = [RangeError, /^stackSize must be an integer from 524288 to 1073741824 bytes, not /];
const IDLE = [RangeError, /^idleCarriers must be an integer from 0 to 100000, not /];
const SLEEP = [RangeError, /^sleep\(\) takes a number of milliseconds >= 0, not /];
const FUNC = (name) => [TypeError, new RegExp(`^${name}\\(\\) takes a function`)];
const FROM_EVENT = [TypeError, /^fromEvent\(\) takes an EventEmitter \(on\/removeListener\) or an EventTarget/];

const badRuns = [42, 'run', true, {}, [], Symbol('run'), 10n, new Date(0), Promise.resolve()];
const badParents = [42, 'main', {}, [], fn, Symbol('p'), Greenlet.prototype, Object.create(Greenlet.prototype), clone];
const badThis = [undefined, null, 42, {}, Greenlet.prototype, Object.create(Greenlet.prototype), clone];
const getters = ['parent', 'run', 'dead', 'started', 'active', 'isMain'];

/** [api, input, call, expectation]; expectation is [ErrorClass, messageRegExp] or { returns }. */
const rows = [
  ['Greenlet', 'called without new', () => Greenlet(fn), CTOR('Greenlet')],
  ...badRuns.map((v) => ['new Greenlet(run)', String(typeof v === 'symbol' ? 'symbol' : v?.constructor?.name ?? v), () => new Greenlet(v), TYPE_RUN]),
  ...badParents.map((v, i) => ['new Greenlet(fn, parent)', `bad parent #${i}`, () => new Greenlet(fn, v), TYPE_PARENT]),
  ...badThis.flatMap((v, i) => [
    ['Greenlet.prototype.switch', `this #${i}`, () => Greenlet.prototype.switch.call(v, 1), TYPE_THIS],
    ['Greenlet.prototype.throw', `this #${i}`, () => Greenlet.prototype.throw.call(v, new Error('x')), TYPE_THIS],
    ...getters.map((name) => [
      `get Greenlet.prototype.${name}`,
      `this #${i}`,
      () => Object.getOwnPropertyDescriptor(Greenlet.prototype, name).get.call(v),
      TYPE_THIS,
    ]),
  ]),
  ...[null, undefined, 42, {}, clone].map((v, i) => ['g.parent = x', `bad #${i}`, () => { new Greenlet(fn).parent = v; }, TYPE_PARENT]),
  ['g.parent = x', 'itself', () => { const g = new Greenlet(fn); g.parent = g; }, [GreenletError, /^cyclic parent chain/]],
  ['g.parent = x', 'a grandchild', () => { const g = new Greenlet(fn); const c = new Greenlet(fn, new Greenlet(fn, g)); g.parent = c; }, [GreenletError, /^cyclic parent chain/]],
  ['main.parent = x', 'a greenlet', () => { main.parent = sample; }, [GreenletError, /^cannot set the parent of a main greenlet$/]],
  ...[undefined, null, 42, {}].map((v, i) => ['g.run = x', `bad #${i}`, () => { new Greenlet().run = v; }, TYPE_RUN]),
  ['g.run = fn', 'after start', () => { const g = new Greenlet(() => main.switch()); g.switch(); try { g.run = fn; } finally { g.throw(); } }, [GreenletError, /^cannot set run of a greenlet that has started$/]],
  ['main.run = fn', '-', () => { main.run = fn; }, [GreenletError, /^cannot set run of a greenlet that has started$/]],
  ['g.dead = true', '-', () => { sample.dead = true; }, GETTER],
  ['Greenlet.main = x', '-', () => { Greenlet.main = sample; }, GETTER],
  ['g.switch()', 'no run', () => new Greenlet().switch(), NO_RUN],
  ['g.throw(e)', 'no run', () => new Greenlet().throw(new Error('x')), NO_RUN],
  ...[1, 'f', {}, true].map((v) => ['settrace(x)', String(v), () => settrace(v), [TypeError, /^settrace\(\) takes a function or null, not /]]),
  ['settrace()', 'no argument', () => settrace(), { returns: null }],
  ['settrace(undefined)', '-', () => settrace(undefined), { returns: null }],
  ...[undefined, 1, 'f', {}].map((v) => ['onMain(x)', String(v), () => onMain(v), [TypeError, /^onMain\(\) takes a function, not /]]),
  ['configure(x)', 'undefined', () => configure(), [TypeError, /options object, not undefined/]],
  ['configure(x)', 'null', () => configure(null), [TypeError, /options object, not null/]],
  ...[42, 'x'].map((v) => ['configure(x)', JSON.stringify(v), () => configure(v), [TypeError, /options object/]]),
  ['configure(x)', '{}', () => configure({}), { returns: undefined }],
  ...['1', -1, 0, 1.5, NaN, Infinity, 2 ** 31, 1024, null].map((v) => ['configure({ stackSize })', String(v), () => configure({ stackSize: v }), STACK]),
  ...[-1, 0.5, NaN, 1e6, '3', null].map((v) => ['configure({ idleCarriers })', String(v), () => configure({ idleCarriers: v }), IDLE]),
  ['getCurrent(x)', '1, 2', () => getCurrent(1, 2) === main, { returns: true }],
  ['stats(x)', '"all"', () => stats('all').greenlets, { returns: 0 }],
  ...[null, '5', -1, NaN, {}, -Infinity, 10n].map((v) => ['sleep(ms)', String(v), () => sleep(v), SLEEP]),
  ['sleep()', 'in main', () => sleep(), IN_MAIN('sleep()')],
  ['sleep(Infinity)', 'in main', () => sleep(Infinity), IN_MAIN('sleep()')],
  ['waitFor(x)', 'in main', () => waitFor(Promise.resolve(1)), IN_MAIN('waitFor()')],
  ['blocking(fn)()', 'in main', () => blocking(async () => 1)(), IN_MAIN('a blocking() function')],
  ['task.join()', 'in main', () => spawn(fn).join(), IN_MAIN('Task.join()')],
  ['channel.receive()', 'in main', () => new Channel().receive(), IN_MAIN('Channel.receive()')],
  ['for (x of channel)', 'in main', () => { for (const x of new Channel()) void x; }, IN_MAIN('Channel iteration')],
  ...[undefined, 1, 'f', {}].flatMap((v) => [
    ['blocking(x)', String(v), () => blocking(v), FUNC('blocking')],
    ['spawn(x)', String(v), () => spawn(v), FUNC('spawn')],
    ['asyncify(x)', String(v), () => asyncify(v), FUNC('asyncify')],
    ['new Task(x)', String(v), () => new Task(v), FUNC('spawn')],
  ]),
  ['Task', 'called without new', () => Task(fn), CTOR('Task')],
  ['Task.prototype.kill', 'this {}', () => Task.prototype.kill.call({}), NOT_INSTANCE],
  ['get Task.prototype.dead', 'this {}', () => Object.getOwnPropertyDescriptor(Task.prototype, 'dead').get.call({}), NOT_INSTANCE],
  ['Channel.prototype.send', 'this {}', () => Channel.prototype.send.call({}, 1), NOT_INSTANCE],
  ['Channel.prototype.tryReceive', 'this {}', () => Channel.prototype.tryReceive.call({}), NOT_INSTANCE],
  ['Channel.prototype.close', 'this {}', () => Channel.prototype.close.call({}), NOT_INSTANCE],
  ['channel.send(v)', 'after close()', () => { const c = new Channel(); c.close(); c.send(1); }, [ChannelClosed, /^send\(\) on a closed channel$/]],
  ...[null, undefined, 42, {}, { on() {} }].map((v, i) => ['fromEvent(x, name)', `bad source #${i}`, () => fromEvent(v, 'data'), FROM_EVENT]),
  ['fromEvent(eventTarget, name)', 'Symbol(e)', () => fromEvent(new EventTarget(), Symbol('e')), [TypeError, /^an EventTarget event name must be a string$/]],
  ['fromEvent(eventTarget, name)', '42', () => fromEvent(new EventTarget(), 42), [TypeError, /event name \(string or symbol\)/]],
  ['fromEvent(emitter, name, options)', 'null', () => fromEvent(new EventEmitter(), 'x', null), [TypeError, /closeOn/]],
  ...[undefined, 42].map((v) => ['fromEvent(emitter, name)', String(v), () => fromEvent(new EventEmitter(), v), [TypeError, /event name/]]),
];

test(`the misuse table: ${rows.length} calls with wrong types and values`, () => {
  const tracerBefore = gettrace();
  const before = stats();
  const failures = [];
  for (const [api, input, call, expected] of rows) {
    let outcome;
    try {
      outcome = { returns: call() };
    } catch (error) {
      outcome = { error };
    }
    const label = `${api} [${input}]`;
    if (Array.isArray(expected)) {
      const [cls, message] = expected;
      if (!('error' in outcome)) failures.push(`${label}: returned ${String(outcome.returns)}, expected ${cls.name}`);
      else if (!(outcome.error instanceof cls) || outcome.error.constructor !== cls) failures.push(`${label}: threw ${outcome.error?.constructor?.name} ${outcome.error?.message}, expected ${cls.name}`);
      else if (!message.test(outcome.error.message)) failures.push(`${label}: message "${outcome.error.message}" does not match ${message}`);
    } else if ('error' in outcome) {
      failures.push(`${label}: threw ${outcome.error?.constructor?.name} ${outcome.error?.message}, expected to return`);
    } else {
      try {
        assert.deepEqual(outcome.returns, expected.returns);
      } catch {
        failures.push(`${label}: returned ${JSON.stringify(outcome.returns)}, expected ${JSON.stringify(expected.returns)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  console.log(`# ${rows.length} misuse calls checked`);
  // nothing changed: no greenlet left started, tracer and settings as before
  assert.equal(gettrace(), tracerBefore);
  assert.equal(stats().greenlets, before.greenlets);
  assert.equal(getCurrent(), main);
  assert.equal(sample.started, false);
  assert.equal(sample.switch(), 'sample');
});

test('after the misuse table the library still works: a greenlet ping-pongs', () => {
  const g = new Greenlet((a) => main.switch(a + 1) + 1);
  assert.equal(g.switch(1), 2);
  assert.equal(g.switch(10), 11);
  assert.equal(g.dead, true);
});

test('the spawned tasks of the table ran (each a function returning 1)', async () => {
  // the rows "task.join() in main" spawned one task: it still runs and ends normally
  const t = spawn(fn);
  assert.equal(await t.promise, 1);
  assert.equal(t.dead, true);
});

test('throw() with a value that is not an Error: it arrives as it is, also into an unstarted greenlet', () => {
  for (const v of [null, undefined, 'string', 0, Object.freeze({ frozen: true }), Symbol('s')]) {
    const g = new Greenlet(() => {
      try {
        main.switch('parked');
      } catch (e) {
        return { same: e === v };
      }
      return 'not thrown';
    });
    assert.equal(g.switch(), 'parked');
    assert.deepEqual(g.throw(v), { same: true });
    const unstarted = new Greenlet(fn);
    assert.throws(() => unstarted.throw(v), (e) => e === v);
    assert.equal(unstarted.dead, true);
  }
});

test('Task.prototype.join with a non-Task this in a greenlet is a TypeError', async () => {
  const outcome = await spawn(() => {
    try {
      return ['returned', Task.prototype.join.call({})];
    } catch (e) {
      return ['threw', e.constructor.name];
    }
  }).promise;
  assert.deepEqual(outcome, ['threw', 'TypeError']);
});

test('GreenletExit and GreenletError take any message argument like Error', () => {
  assert.equal(new GreenletExit(1).message, '1');
  assert.equal(new GreenletExit().message, 'greenlet exit');
  assert.equal(new GreenletError(undefined).message, '');
  assert.equal(new GreenletError({ toString: () => 'obj' }).message, 'obj');
  assert.ok(new ChannelClosed('c') instanceof GreenletError);
});
