// Debugging greenlet code through the inspector protocol, as DevTools and VS Code do it:
// a child Node with --inspect-brk runs test/fixtures/debug-greenlets.js and the test
// drives it over the WebSocket (test/inspector-client.mjs). A pause in a greenlet stops
// the thread that holds V8 (the greenlet's carrier); the inspector serves its messages
// on that thread meanwhile. Also node:inspector sessions in the same process: from a
// worker (connectToMainThread) and on the same thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect, frames } from './inspector-client.mjs';

const script = fileURLToPath(new URL('./fixtures/debug-greenlets.js', import.meta.url));
const source = fs.readFileSync(script, 'utf8').split('\n');
/** 0-based line of the `// @name` marker in the fixture. */
const lineOf = (name) => {
  const line = source.findIndex((text) => text.includes(`// @${name}`));
  assert.ok(line >= 0, `no // @${name} in the fixture`);
  return line;
};
const at = (name) => lineOf(name) + 1;

/**
 * Runs `body(session)` against the fixture in `mode`, paused at its first line with the
 * Debugger domain on (and `setup` done); the child is ended however the body ends.
 */
async function debug(mode, { setup } = {}, body) {
  const session = await inspect(script, { args: [mode] });
  try {
    await session.send('Runtime.enable');
    await session.send('Debugger.enable');
    if (setup) await setup(session);
    await session.send('Runtime.runIfWaitingForDebugger');
    await session.next('Debugger.paused'); // --inspect-brk: the first line
    await body(session);
  } finally {
    await session.close();
  }
}

/** Resumes, or steps, and returns the pause that follows. */
async function go(session, command) {
  await session.send(`Debugger.${command}`);
  return session.next('Debugger.paused');
}

/** Resumes to the end of the script; returns its output. */
async function finish(session) {
  await session.send('Debugger.resume');
  await session.next('Runtime.executionContextDestroyed'); // the script ran to its end
  session.disconnect();
  const { code, signal } = await session.exited;
  assert.equal(signal, null, `the child died of ${signal}\n${session.output()}`);
  assert.equal(code, 0, session.output());
  return session.output();
}

async function evaluate(session, paused, expression) {
  const { result, exceptionDetails } = await session.send('Debugger.evaluateOnCallFrame', {
    callFrameId: paused.callFrames[0].callFrameId,
    expression,
  });
  assert.equal(exceptionDetails, undefined, JSON.stringify(exceptionDetails));
  return result.value;
}

test('a debugger statement in a greenlet pauses its thread; its frames and locals are there', async () => {
  await debug('statement', {}, async (session) => {
    const paused = await go(session, 'resume');
    assert.equal(paused.reason, 'other');
    assert.deepEqual(frames(paused, 1), [`paused:${at('statement')}`]);
    // Below the greenlet's function, tendril's boot: the carrier's own stack, not main's.
    assert.ok(paused.callFrames.some((f) => f.functionName === 'boot'), frames(paused, 10).join(' < '));
    assert.equal(await evaluate(session, paused, 'a + doubled'), 63);
    assert.match(await finish(session), /result 42/);
  });
});

const breakAt = (name) => (s) => s.send('Debugger.setBreakpointByUrl', { url: pathToFileURL(script).href, lineNumber: lineOf(name) });

test('a breakpoint set by URL in greenlet code is hit in each greenlet that runs it', async () => {
  await debug('breakpoint', { setup: breakAt('visit') }, async (session) => {
    const first = await go(session, 'resume');
    assert.equal(first.hitBreakpoints.length, 1);
    assert.deepEqual(frames(first, 1), [`visit:${at('visit')}`]);
    assert.equal(await evaluate(session, first, 'name + n'), 'one1');
    const second = await go(session, 'resume');
    assert.deepEqual(frames(second, 1), [`visit:${at('visit')}`]);
    assert.equal(await evaluate(session, second, 'name + n'), 'two2');
    assert.match(await finish(session), /one:1\ntwo:2/);
  });
});

// Stepping state belongs to the thread that requested it: V8 archives it with the
// thread's state when the greenlet switches away and re-arms it when it comes back. On
// Node 20 that re-arming crashed (SIGSEGV) until tendril entered the isolate before
// taking V8 back (native/core.cc, Core::PassV8).
test('Step Over a line that switches greenlets: the main greenlet runs, the step ends on the next line of the same greenlet', async () => {
  await debug('step', {}, async (session) => {
    let paused = await go(session, 'resume');
    assert.deepEqual(frames(paused, 1), [`stepper:${at('step-start')}`]);
    paused = await go(session, 'stepOver');
    assert.deepEqual(frames(paused, 1), [`stepper:${at('step-switch')}`]);
    paused = await go(session, 'stepOver');
    assert.deepEqual(frames(paused, 1), [`stepper:${at('step-after')}`]);
    assert.equal(await evaluate(session, paused, 'got'), 'back');
    assert.equal(await evaluate(session, paused, 'mainRan'), true);
    assert.match(await finish(session), /to main\nback true/);
  });
});

test('Step Out of a function that switches greenlets: the step ends in its caller, same greenlet', async () => {
  await debug('stepOut', {}, async (session) => {
    let paused = await go(session, 'resume');
    assert.deepEqual(frames(paused, 1), [`helper:${at('out-start')}`]);
    paused = await go(session, 'stepOut');
    assert.equal(paused.callFrames[0].functionName, 'caller');
    assert.ok(paused.callFrames[0].location.lineNumber + 1 <= at('out-after'), frames(paused).join(' < '));
    assert.match(await finish(session), /main ran\ncaller got back/);
  });
});

/** Resumes to the next pause in `fn`, past exceptions thrown in Node's own code (its
 *  module loader throws and catches some on Windows). */
async function nextPauseIn(session, fn) {
  for (;;) {
    const paused = await go(session, 'resume');
    if (paused.callFrames[0].functionName === fn || paused.reason !== 'exception') return paused;
  }
}

test('pause on exceptions stops in the greenlet that throws, caught or not', async () => {
  await debug('exceptions', { setup: (s) => s.send('Debugger.setPauseOnExceptions', { state: 'all' }) }, async (session) => {
    const caught = await nextPauseIn(session, 'catches');
    assert.equal(caught.reason, 'exception');
    assert.deepEqual(frames(caught, 1), [`catches:${at('throw-caught')}`]);
    assert.equal(caught.data.description.split('\n')[0], 'Error: caught in the greenlet');
    const escapes = await nextPauseIn(session, 'escapes');
    assert.equal(escapes.reason, 'exception');
    assert.deepEqual(frames(escapes, 1), [`escapes:${at('throw-escapes')}`]);
    await session.send('Debugger.setPauseOnExceptions', { state: 'none' }); // (main rethrows it)
    assert.match(await finish(session), /main caught: escapes the greenlet/);
  });
});

test('Debugger.pause stops a greenlet that spins, where it spins; the debugger can stop it', async () => {
  await debug('spin', {}, async (session) => {
    await session.send('Debugger.resume');
    // Let it spin a little: a pause requested while the main greenlet still runs would
    // stop there.
    let paused;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await session.send('Debugger.pause');
      paused = await session.next('Debugger.paused');
      if (paused.callFrames[0].functionName === 'spinner') break;
      await session.send('Debugger.resume');
    }
    assert.deepEqual(frames(paused, 1), [`spinner:${at('spin')}`]);
    assert.ok((await evaluate(session, paused, 'turns')) > 0);
    await evaluate(session, paused, 'state.stop = true');
    assert.match(await finish(session), /stopped by the debugger/);
  });
});

test('a breakpoint after sleep() in a greenlet is hit once the event loop has woken it', async () => {
  await debug('sleep', { setup: breakAt('after-sleep') }, async (session) => {
    const paused = await go(session, 'resume');
    assert.deepEqual(frames(paused, 1), [`sleeper:${at('after-sleep')}`]);
    assert.match(await finish(session), /after sleep/);
  });
});

test(
  'Step Into a call that switches greenlets',
  {
    // The child crashes: on Windows that can wait on Windows Error Reporting.
    skip: process.platform === 'win32' && 'the child crashes (see the todo), which Windows may hold for error reporting',
    todo:
      'V8 bug: a thread archived by v8::Unlocker while a Step Into is pending crashes when it takes V8 back ' +
      '(Debug::RestoreDebug walks past the last frame: Step Into has no target frame count); every Node 20-26. ' +
      'Step Over such calls, or put a breakpoint in the greenlet switched to',
  },
  async () => {
    // As DevTools does for node_modules by default: tendril's code is ignore-listed,
    // so the step runs through it to the native switch.
    const setup = (s) => s.send('Debugger.setBlackboxPatterns', { patterns: ['/dist/main/'] });
    await debug('stepInto', { setup }, async (session) => {
      let paused = await go(session, 'resume');
      assert.deepEqual(frames(paused, 1), [`stepInto:${at('into-start')}`]);
      paused = await go(session, 'stepOver');
      paused = await go(session, 'stepInto');
      assert.ok(['target', 'stepInto'].includes(paused.callFrames[0].functionName), frames(paused).join(' < '));
      await finish(session);
    });
  },
);

// In the same process: the inspector's recommended way to set breakpoints in the main
// thread is a session in a worker (connectToMainThread): the worker keeps running while
// the main thread is paused. That holds when the pause is on a greenlet's carrier.
const workerSide = `
const { parentPort } = require('node:worker_threads');
const session = new (require('node:inspector').Session)();
session.connectToMainThread();
let steps = 0;
session.on('Debugger.paused', ({ params }) => {
  const frame = params.callFrames[0];
  session.post('Debugger.evaluateOnCallFrame', { callFrameId: frame.callFrameId, expression: 'local' }, (error, result) => {
    parentPort.postMessage('paused in ' + frame.functionName + ' line ' + (frame.location.lineNumber + 1) +
      ', local = ' + (error ? error.message : result.result.value));
    session.post(steps++ === 0 ? 'Debugger.stepOver' : 'Debugger.resume');
  });
});
session.post('Debugger.enable', () => parentPort.postMessage('ready'));
parentPort.on('message', () => {}); // stays until terminated
`;
const workerSession = `const { Worker } = require('node:worker_threads');
const { spawn, sleep } = require('tendril');
const worker = new Worker(${JSON.stringify(workerSide)}, { eval: true });
worker.on('message', (message) => {
  if (message !== 'ready') return void console.log(message);
  spawn(function inGreenlet() {
    const local = 21;
    debugger;
    const after = local + 1;
    sleep(1);
    return after;
  }).promise.then((value) => {
    console.log('greenlet returned ' + value);
    worker.terminate();
  });
});
`;
/** 1-based line of `text` in an -e script. */
const lineIn = (code, text) => code.split('\n').findIndex((line) => line.includes(text)) + 1;

test('a node:inspector session in a worker pauses, evaluates and steps in greenlet code', () => {
  const child = spawnSync(process.execPath, ['-e', workerSession], { encoding: 'utf8', timeout: 60_000, cwd: fileURLToPath(new URL('..', import.meta.url)) });
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(child.stdout.trim().split('\n'), [
    `paused in inGreenlet line ${lineIn(workerSession, 'debugger;')}, local = 21`,
    `paused in inGreenlet line ${lineIn(workerSession, 'const after')}, local = 21`,
    'greenlet returned 22',
  ]);
});

// On the same thread, a session's Debugger.paused listener runs inside the pause (on
// the carrier here) and must resume from there; Node documents that breakpoints in
// same-thread sessions otherwise block the thread for good.
test('a same-thread node:inspector session sees a pause in a greenlet and resumes it from its listener', () => {
  const child = spawnSync(process.execPath, ['-e', sameThreadSession], { encoding: 'utf8', timeout: 60_000, cwd: fileURLToPath(new URL('..', import.meta.url)) });
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(child.stdout.trim().split('\n'), ['paused in inGreenlet, local * 2 = 42', 'greenlet returned 21']);
});

const sameThreadSession = `
const inspector = require('node:inspector');
const { spawn, sleep } = require('tendril');
const session = new inspector.Session();
session.connect();
session.on('Debugger.paused', ({ params }) => {
  const frame = params.callFrames[0];
  session.post('Debugger.evaluateOnCallFrame', { callFrameId: frame.callFrameId, expression: 'local * 2' }, (error, result) => {
    console.log('paused in ' + frame.functionName + ', local * 2 = ' + (error ? error.message : result.result.value));
  });
  session.post('Debugger.resume');
});
session.post('Debugger.enable', () => {
  spawn(function inGreenlet() { const local = 21; debugger; sleep(1); return local; }).promise.then((value) => {
    console.log('greenlet returned ' + value);
    session.disconnect();
  });
});
`;
