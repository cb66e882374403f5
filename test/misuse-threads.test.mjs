// Misuse across worker threads: a Greenlet cannot cross threads. postMessage and
// workerData clone it into a plain object, which every API of the other thread rejects
// with TypeError; each thread has its own main greenlet and tracer; a worker's greenlets
// do not disturb the main thread's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { Greenlet, getCurrent, settrace, gettrace } from 'tendril';

const require = createRequire(import.meta.url);
const TENDRIL = require.resolve('tendril');
const main = Greenlet.main;

function runWorker(source, { workerData, message } = {}) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(`const TENDRIL = ${JSON.stringify(TENDRIL)};\n${source}`, { eval: true, workerData });
    const messages = [];
    worker.on('message', (m) => messages.push(m));
    worker.on('error', reject);
    worker.on('exit', (code) => resolve({ code, messages }));
    if (message !== undefined) worker.postMessage(message);
  });
}

// What the worker does with each received value: every API that takes a Greenlet.
const REJECTS = `
const { parentPort } = require('node:worker_threads');
const { Greenlet, GreenletError } = require(TENDRIL);
function outcomes(value) {
  const calls = {
    switch: () => Greenlet.prototype.switch.call(value, 1),
    throw: () => Greenlet.prototype.throw.call(value, new Error('x')),
    parentGetter: () => Object.getOwnPropertyDescriptor(Greenlet.prototype, 'parent').get.call(value),
    deadGetter: () => Object.getOwnPropertyDescriptor(Greenlet.prototype, 'dead').get.call(value),
    asParent: () => new Greenlet(() => 1, value),
    setParent: () => { new Greenlet(() => 1).parent = value; },
  };
  const out = {};
  for (const [name, call] of Object.entries(calls)) {
    try { call(); out[name] = 'returned'; }
    catch (e) { out[name] = e.constructor.name + ': ' + e.message; }
  }
  return out;
}
`;

test('a Greenlet posted to a worker arrives as a plain clone and every API there rejects it with TypeError', async () => {
  const g = new Greenlet(() => main.switch('parked'));
  g.switch();
  const { code, messages } = await runWorker(
    `${REJECTS}
parentPort.once('message', (value) => {
  parentPort.postMessage({ type: Object.prototype.toString.call(value), keys: Object.keys(value), isGreenlet: value instanceof Greenlet, outcomes: outcomes(value) });
});`,
    { message: g },
  );
  assert.equal(code, 0);
  const [m] = messages;
  assert.deepEqual([m.type, m.keys, m.isGreenlet], ['[object Object]', [], false]);
  const rejected = 'TypeError: this must be a Greenlet of this thread, not an object ([object Object])';
  const parent = 'TypeError: parent must be a Greenlet of this thread, not an object ([object Object])';
  assert.deepEqual(m.outcomes, { switch: rejected, throw: rejected, parentGetter: rejected, deadGetter: rejected, asParent: parent, setParent: parent });
  // the original is untouched on this thread
  assert.equal(g.switch('resumed'), 'resumed');
  assert.equal(g.dead, true);
});

test('a Greenlet in workerData, and a subclass instance with own fields, arrive as plain clones', async () => {
  class Named extends Greenlet {
    constructor() {
      super(() => 'named');
      this.label = 'kept';
    }
  }
  const { code, messages } = await runWorker(
    `${REJECTS}
const { workerData } = require('node:worker_threads');
parentPort.postMessage({ plain: Object.keys(workerData.plain), named: workerData.named, outcomes: outcomes(workerData.named), main: outcomes(workerData.main) });`,
    { workerData: { plain: new Greenlet(() => 1), named: new Named(), main } },
  );
  assert.equal(code, 0);
  const [m] = messages;
  assert.deepEqual(m.plain, []);
  assert.deepEqual(m.named, { label: 'kept' });
  assert.match(m.outcomes.switch, /^TypeError: this must be a Greenlet of this thread/);
  assert.match(m.main.switch, /^TypeError: this must be a Greenlet of this thread/);
  assert.match(m.main.asParent, /^TypeError: parent must be a Greenlet of this thread/);
});

test('each thread has its own main greenlet and tracer; worker greenlets run while this thread has its own parked', async () => {
  const events = [];
  const previous = settrace((event) => events.push(event));
  const parked = new Greenlet(() => main.switch('parked') + '!');
  assert.equal(parked.switch(), 'parked');
  try {
    const { code, messages } = await runWorker(`
const { parentPort } = require('node:worker_threads');
const { Greenlet, getCurrent, gettrace, settrace } = require(TENDRIL);
const seen = [];
const tracerAtStart = gettrace();
settrace((event) => seen.push(event));
const main = Greenlet.main;
let total = 0;
const gs = Array.from({ length: 20 }, (_, i) => new Greenlet((x) => { let v = x; for (let k = 0; k < 5; k++) v = main.switch(v + 1); return v; }));
for (let k = 0; k < 6; k++) for (let i = 0; i < gs.length; i++) total = gs[i].switch(i);
parentPort.postMessage({ tracerAtStart, isMain: main.isMain, current: getCurrent() === main, dead: gs.every((g) => g.dead), total, seen: seen.length });
`);
    assert.equal(code, 0);
    assert.deepEqual(messages, [{ tracerAtStart: null, isMain: true, current: true, dead: true, total: 19, seen: 20 * 6 * 2 }]);
    // this thread's tracer saw only this thread's switches
    assert.deepEqual(events, ['switch', 'switch']);
    assert.equal(getCurrent(), main);
    assert.equal(parked.switch('back'), 'back!');
  } finally {
    settrace(previous);
  }
  assert.equal(gettrace(), previous);
});

test('worker.terminate() while the worker\'s greenlets run and switch: the worker ends, this thread is unaffected', async () => {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
const { Greenlet } = require(${JSON.stringify(TENDRIL)});
const main = Greenlet.main;
const gs = Array.from({ length: 50 }, () => new Greenlet(() => { for (;;) main.switch(); }));
parentPort.postMessage('running');
for (;;) for (const g of gs) g.switch();`,
    { eval: true },
  );
  await new Promise((resolve) => worker.once('message', resolve));
  const code = await worker.terminate();
  assert.equal(code, 1);
  const g = new Greenlet((x) => x * 2);
  assert.equal(g.switch(21), 42);
});
