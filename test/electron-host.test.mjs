// tendril in an Electron-shaped main process: the host of test/electron-host/ runs Node
// (24 or later) the way Electron's browser process does, with an `electron` module whose
// APIs kill the process off the UI thread. Each test runs an app (test/electron-host/apps/)
// in a fresh host process and checks what it reported, its output and its exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { apps, events, launch, run, skipReason } from './electron-host/launch.mjs';
import { attach, frames } from './inspector-client.mjs';

const skip = skipReason();
if (skip) process.stderr.write(`\n!!! test/electron-host.test.mjs SKIPPED: ${skip}\n\n`);
const TIMEOUT = 120_000;

const app = (name) => path.join(apps, name);
const reportsOf = (r, event) => r.reports.filter((report) => report.event === event);
const reportOf = (r, event) => {
  const found = reportsOf(r, event);
  assert.equal(found.length, 1, `one '${event}' report; got:\n${JSON.stringify(r.reports, null, 1)}\n${r.stderr}`);
  return found[0];
};

/** Nothing went wrong unseen: no abort, no unhandled rejection, no warning. */
function assertClean(r) {
  assert.equal(r.signal, null, `the host died of ${r.signal}:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /FATAL/);
  assert.deepEqual([...reportsOf(r, 'unhandledRejection'), ...reportsOf(r, 'warning')], []);
}

/** The end of Electron's quit sequence, on the UI thread, with `code`. */
function assertQuit(r, code = 0) {
  assert.equal(r.code, code, `exit code:\n${r.stdout}\n${r.stderr}`);
  // lib/init.js emits process 'exit' from the first 'quit' listener, as Electron does.
  const all = events(r.reports);
  assert.equal(all[all.indexOf('exit') + 1], 'quit', all.join());
  assert.equal(reportOf(r, 'exit').code, code);
  reportOf(r, 'quit');
  assert.ok(r.reports.filter((x) => ['before-quit', 'will-quit', 'quit', 'exit'].includes(x.event)).every((x) => x.ui));
}

// --- the host behaves like Electron's browser process -------------------------------------

test('host: ready before whenReady(); app.quit() with a window: before-quit, close, closed, will-quit, exit, quit', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('host-model.js'), { args: ['quit-order'] });
  assertClean(r);
  assert.deepEqual(events(r.reports), ['ready', 'whenReady', 'loaded', 'before-quit', 'close', 'closed', 'will-quit', 'exit', 'quit']);
  assertQuit(r, 0);
});

test('host: process.exit(7) is app.exit(7): no before-quit/will-quit, windows destroyed and quit inside the call, it returns', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('host-model.js'), { args: ['process-exit'] });
  assertClean(r);
  assert.deepEqual(events(r.reports), ['closed', 'exit', 'quit', 'returned']);
  assert.equal(r.code, 7);
});

test('host: app.exit() before the main loop runs exits at once; Node never emits beforeExit', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('host-model.js'), { args: ['exit-before-ready'] });
  assertClean(r);
  assert.deepEqual(events(r.reports), []);
  assert.equal(r.code, 5);
});

test('host: an Electron API called off the UI thread kills the process (a CHECK failure)', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('host-model.js'), { args: ['off-ui-thread'] });
  assert.equal(r.signal, 'SIGABRT', `${r.code} ${r.signal}\n${r.stderr}`);
  assert.match(r.stderr, /FATAL: app\.isReady called off the UI thread/);
  assert.deepEqual(events(r.reports), ['calling']);
});

test('host: a sync dialog runs a nested loop: a timer and an IPC message run inside the call', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('host-model.js'), { args: ['nested-loop'] });
  assertClean(r);
  assert.deepEqual(events(r.reports).slice(0, 4), ['dialog', 'timer in dialog', 'ipc in dialog', 'dialog returned']);
  assert.equal(reportOf(r, 'timer in dialog').open, 1);
  assert.equal(reportOf(r, 'ipc in dialog').text, 'hello');
  assert.equal(reportOf(r, 'dialog returned').response, 1);
  assertQuit(r, 0);
});

test('host: the microtask checkpoint comes after each task and when an emitted event is done', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('host-model.js'), { args: ['microtasks'] });
  assertClean(r);
  assert.deepEqual(events(r.reports).slice(0, 5), ['task 1', 'microtask of task 1', 'task 2', 'ipc event', 'microtask of the ipc event']);
  assertQuit(r, 0);
});

test("host: a timer started outside Electron's setTimeout wrapper still fires (the libuv wake)", { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('host-model.js'), { args: ['timer-without-wrapper'] });
  assertClean(r);
  assert.deepEqual(events(r.reports)[0], 'timer fired');
  assertQuit(r, 0);
});

test("host: a timer started outside the wrapper from a whenReady() reaction fires (the wake after 'ready')", { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('host-model.js'), { args: ['timer-in-ready'] });
  assertClean(r);
  assert.deepEqual(events(r.reports)[0], 'timer fired');
  assertQuit(r, 0);
});

test('host: a greenlet resumed from an IPC task can sleep', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('host-model.js'), { args: ['sleep-after-ipc'] });
  assertClean(r);
  assert.equal(reportOf(r, 'slept').value, 42);
  assertQuit(r, 0);
});

// --- tendril/electron ----------------------------------------------------------------------

test('appLoop runs fn in a greenlet once the app is ready; ui works there; returning quits (exit 0)', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('layer.js'), { args: ['app-loop-returns'] });
  assertClean(r);
  assert.deepEqual(reportOf(r, 'scheduled'), { event: 'scheduled', ready: false });
  assert.deepEqual(reportOf(r, 'returning'), { event: 'returning', ready: true, ui: false, main: false, sameWindow: true });
  assert.equal(reportOf(r, 'resolved').value, 'done');
  assert.deepEqual(events(r.reports).slice(2), ['before-quit', 'resolved', 'will-quit', 'exit', 'quit']);
  assertQuit(r, 0);
});

test('appLoop with quitOnReturn: false leaves the app running', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('layer.js'), { args: ['quit-on-return-false'] });
  assertClean(r);
  assert.deepEqual(events(r.reports), ['resolved', 'still running', 'before-quit', 'will-quit', 'exit', 'quit']);
  assertQuit(r, 0);
});

test('an uncaught error in the app greenlet: stderr, an error dialog, exit code 1; errorDialog: false shows none', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('layer.js'), { args: ['app-error'] });
  assertClean(r);
  assert.equal(reportOf(r, 'rejected').same, true, 'the promise rejects with the very error');
  const dialog = reportOf(r, 'dialog');
  assert.equal(dialog.message, 'Uncaught error in the app');
  assert.match(dialog.detail, /TypeError: the app logic broke/);
  assert.match(r.stderr, /app greenlet failed:[\s\S]*the app logic broke/);
  assert.deepEqual(reportsOf(r, 'before-quit'), [], 'app.exit(1): no before-quit');
  assertQuit(r, 1);

  const quiet = await run(app('layer.js'), { args: ['app-error', 'no-dialog'] });
  assertClean(quiet);
  assert.deepEqual(reportsOf(quiet, 'dialog'), []);
  assertQuit(quiet, 1);
});

test('the last window closed while the app greenlet waits: GreenletExit, finally runs (and may wait), then the quit completes', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('layer.js'), { args: ['quit-kills-app-greenlet'] });
  assertClean(r);
  assert.deepEqual(events(r.reports), [
    'waiting', 'before-quit', 'will-quit', 'caught', 'finally', 'finally done', 'before-quit', 'will-quit', 'exit', 'quit', 'resolved',
  ]);
  assert.equal(reportOf(r, 'caught').exit, true);
  assert.equal(reportOf(r, 'finally').destroyed, true);
  assert.equal(reportOf(r, 'resolved').exit, true);
  assertQuit(r, 0);
});

test('ui.app.quit() from the app greenlet with no window: the greenlet ends with GreenletExit, finally runs, exit 0 (issue 10, failure 2)', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('layer.js'), { args: ['app-quit-from-app-greenlet'] });
  assertClean(r);
  assert.deepEqual(reportsOf(r, 'dialog'), [], 'no error dialog');
  assert.deepEqual(events(r.reports), [
    'quitting', 'before-quit', 'will-quit', 'caught', 'finally', 'before-quit', 'will-quit', 'exit', 'quit', 'resolved',
  ]);
  assert.equal(reportOf(r, 'caught').exit, true, reportOf(r, 'caught').error);
  assert.equal(reportOf(r, 'resolved').exit, true);
  assertQuit(r, 0);
});

test('process.exit() in a greenlet runs app.exit() on the UI thread; the greenlet is killed at exit (issue 10, failure 3)', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('layer.js'), { args: ['process-exit-in-greenlet'] });
  assertClean(r);
  assert.deepEqual(events(r.reports), ['exiting', 'closed', 'exit', 'quit', 'process.exit returned', 'finally']);
  assert.equal(reportOf(r, 'closed').ui, true, 'the window was destroyed on the UI thread');
  assert.equal(reportOf(r, 'process.exit returned').destroyed, true);
  assert.equal(r.code, 3);
});

test('ipcChannel: messages in order; withEvent marshals the event; close() stops listening', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('layer.js'), { args: ['ipc-channel'] });
  assertClean(r);
  const received = reportOf(r, 'received');
  assert.deepEqual(JSON.parse(received.got), ['a', null, ['x', 'y']]); // undefined → null in JSON
  assert.deepEqual(received.args, ['ada', 2]);
  assert.equal(received.senderIsProxy, true);
  assert.equal(received.iterated, 0);
  assert.equal(received.listeners, 0, 'close() removed the ipcMain listener');
  assert.deepEqual(received.pageGot, [['hello-back', 'hi ada']]);
  assertQuit(r, 0);
});

test('handle: the handler runs in a greenlet, may wait and use ui; the page gets its result or its error', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('layer.js'), { args: ['handle'] });
  assertClean(r);
  const { results, seen } = reportOf(r, 'invoked');
  assert.deepEqual(results.compute, { value: { sum: 5, title: 'sum 5' } });
  assert.deepEqual(results.fail, { error: "Error invoking remote method 'fail': RangeError: handler failed" });
  assert.deepEqual(results.both.map((x) => x.value.sum), [2, 20]);
  assert.deepEqual(results.missing, { error: "Error invoking remote method 'missing': Error: No handler registered for 'missing'" });
  assert.deepEqual(results.removed, { error: "Error invoking remote method 'compute': Error: No handler registered for 'compute'" });
  assert.equal(seen.length, 3);
  assert.ok(seen.every((s) => !s.ui && !s.main && s.senderIsProxy));
  assertQuit(r, 0);
});

test('dialog.showMessageBox through ui: waitFor its promise; other greenlets run while it is open', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('layer.js'), { args: ['async-dialog'] });
  assertClean(r);
  assert.deepEqual(reportOf(r, 'answered'), { event: 'answered', response: 1, otherResult: 'other ran', open: 1 });
  assertQuit(r, 0);
});

test('AsyncLocalStorage: a greenlet keeps its store when an IPC task, a timer or a marshalled call resumes it', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('layer.js'), { args: ['async-context'] });
  assertClean(r);
  assert.deepEqual(reportOf(r, 'stores'), { event: 'stores', seen: ['greenlet', 'greenlet', 'greenlet', 'greenlet'], main: 'main' });
  assertQuit(r, 0);
});

test('ui in Electron: identity kept, listeners on the main greenlet, real promises, errors as they are', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('layer.js'), { args: ['marshal'] });
  assertClean(r);
  const m = reportOf(r, 'marshalled');
  assert.equal(m.same, true);
  assert.equal(m.webContentsTwice, true);
  assert.equal(m.isWindow, true);
  assert.equal(m.isPromise, true);
  assert.deepEqual(m.listener, [{ ui: true, main: true, thisIsProxy: true }]);
  assert.deepEqual(m.error, { type: true, message: 'Error processing argument at index 0, conversion failure' });
  assertQuit(r, 0);
});

test('tendril/electron used first from inside a greenlet works: its own Electron calls go through onMain', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('layer.js'), { args: ['layer-from-greenlet'] });
  assertClean(r);
  assert.deepEqual(reportOf(r, 'used'), { event: 'used', received: 'v', invoked: 'handled', uiIsElectron: true });
  assertQuit(r, 0);
});

test('misuse: bad arguments throw TypeError; a listener registered through ui cannot wait', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('layer.js'), { args: ['misuse'] });
  assertClean(r);
  assert.deepEqual(reportOf(r, 'refused'), { event: 'refused', typeErrors: [true, true, true, true], greenletError: true });
  assertQuit(r, 0);
});

test("the demo's Electron app (demo-app/electron/main.js) with its page played headless: commands, handle('info'), quit", { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('demo.js'));
  assertClean(r);
  assert.deepEqual(reportsOf(r, 'failed'), []);
  assert.deepEqual(reportOf(r, 'info'), { event: 'info', host: 'electron', electron: '0.0.0-host' });
  assert.equal(reportOf(r, 'slept').clockTicked, true, 'the clock ticked during the sleep');
  const { output, closed } = reportOf(r, 'transcript');
  assert.match(output, /^tendril demo \(electron host\)/);
  assert.match(output, /^commands\s+running\s+this command$/m);
  assert.match(output, /Are you sure\? \[y\/n\] y\nBye!\n$/);
  assert.deepEqual(closed, [['closed', 'quit']]);
  assertQuit(r, 0);
});

// --- wake-ups while the main greenlet serves a marshalled call (issue 10, failure 1) --------

const woken = {
  timer: { g1: true, spawned: null, woke: ['slept'] },
  ipc: { g1: true, spawned: null, woke: ['from the page', 'G1 finally'] },
  channel: { g1: true, spawned: null, woke: ['from a listener', 'G1 finally'] },
  kill: { g1: true, spawned: null, woke: ['G1 finally'] },
  spawn: { g1: true, spawned: true, woke: ['G1 finally', 'spawned ran'] },
};
for (const [scenario, expected] of Object.entries(woken)) {
  test(`a ${scenario === 'spawn' ? 'spawn()' : scenario} wake-up during a sync dialog in another greenlet is delivered once, after the call`, { skip, timeout: TIMEOUT }, async () => {
    const r = await run(app('wakeups.js'), { args: [scenario] });
    assertClean(r);
    assert.deepEqual(reportsOf(r, 'trigger threw'), []);
    assert.deepEqual(reportsOf(r, 'dialog').map((d) => d.message), ['during']);
    assert.equal(reportOf(r, 'dialog returned').response, 1);
    const { event, ...after } = reportOf(r, 'after');
    assert.deepEqual(after, expected);
    assertQuit(r, 0);
  });
}

// --- debugging and profiling the app's greenlet (issue 13) ----------------------------------
// The host with --inspect-brk, driven over the inspector's WebSocket as DevTools does
// with Electron's main process (test/inspector-client.mjs).

const debugging = app('debugging.js');
const debuggingLines = fs.readFileSync(debugging, 'utf8').split('\n');
const lineOf = (name) => debuggingLines.findIndex((text) => text.includes(`// @${name}`)) + 1;

/** The host running debugging.js `scenario` under --inspect-brk, connected, Debugger on. */
async function debugHost(scenario, body) {
  const { child, done } = launch(debugging, { args: [scenario], execArgv: ['--inspect-brk=0'] });
  const session = await attach(child);
  try {
    await body(session);
  } finally {
    session.disconnect();
  }
  return done;
}

/** Resumes until the pause is in `fn` (the host pauses first in its entry point, then in the app). */
async function resumeTo(session, fn) {
  for (;;) {
    await session.send('Debugger.resume');
    const paused = await session.next('Debugger.paused');
    if (paused.callFrames[0].functionName === fn) return paused;
  }
}

test('debugging: a debugger statement in the app greenlet pauses it; Step Over a marshalled Electron call and a sleep() stays in the greenlet', { skip, timeout: TIMEOUT }, async () => {
  const r = await debugHost('breakpoint', async (session) => {
    await session.send('Debugger.enable');
    await session.send('Runtime.runIfWaitingForDebugger');
    await session.next('Debugger.paused');
    let paused = await resumeTo(session, 'appMain');
    assert.deepEqual(frames(paused, 1), [`appMain:${lineOf('host-debugger')}`]);
    const { result } = await session.send('Debugger.evaluateOnCallFrame', { callFrameId: paused.callFrames[0].callFrameId, expression: 'title' });
    assert.equal(result.value, 'debugged');
    for (const next of ['host-ui', 'host-sleep', 'host-after']) {
      await session.send('Debugger.stepOver');
      paused = await session.next('Debugger.paused');
      assert.deepEqual(frames(paused, 1), [`appMain:${lineOf(next)}`]);
    }
    await session.send('Debugger.resume');
  });
  assertClean(r);
  assert.equal(reportOf(r, 'done').title, 'debugged');
  assertQuit(r, 0);
});

test('profiling: the Profiler domain over the WebSocket gives the app greenlet its time', { skip, timeout: TIMEOUT }, async () => {
  await debugHost('profile', async (session) => {
    await session.send('Profiler.enable');
    await session.send('Profiler.start');
    await session.send('Debugger.enable');
    await session.send('Runtime.runIfWaitingForDebugger');
    await session.next('Debugger.paused');
    await session.send('Debugger.resume');
    await session.next('Debugger.paused');
    await session.send('Debugger.resume');
    let output = '';
    const worked = await new Promise((resolve) => {
      session.child.stdout.on('data', (chunk) => {
        output += chunk;
        const line = /^@report (\{"event":"worked".*\})$/m.exec(output);
        if (line) resolve(JSON.parse(line[1]).ms);
      });
    });
    const { profile } = await session.send('Profiler.stop');
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    let ms = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      for (let n = profile.samples[i]; n !== undefined; n = parent.get(n)) {
        if (byId.get(n).callFrame.functionName !== 'workInGreenlet') continue;
        ms += (profile.timeDeltas[i + 1] ?? 0) / 1000;
        break;
      }
    }
    assert.ok(ms / worked > 0.5 && ms / worked < 2, `workInGreenlet: ${ms.toFixed(0)} ms profiled, ${worked} ms measured`);
    session.child.kill();
  });
});

test('freeze reports: off by default in a packaged app; configured, the greenlet holding the UI thread is reported with its stack; listGreenlets() there', { skip, timeout: TIMEOUT }, async () => {
  const quiet = await run(debugging, { args: ['freeze-default'], env: { ELECTRON_HOST_PACKAGED: '1' } });
  assertClean(quiet);
  assert.doesNotMatch(quiet.stderr, /GreenletWarning/);
  const r = await run(debugging, { args: ['freeze'] });
  assertClean(r);
  assert.match(r.stderr, /GreenletWarning: a greenlet has kept the event loop waiting for [\d,]+ ms \(maxBlockingTime: 200 ms\)\. It is at:\n {4}at busy \(.*\n {4}at freezesTheUi \(/);
  assert.match(r.stderr, /GreenletWarning: the event loop got the turn back after waiting [\d,]+ ms for greenlets\./);
  const { listed } = reportOf(r, 'listed');
  assert.deepEqual(listed.map(([who, state]) => [who, state]), [['main', 'suspended'], ['app', 'running']]);
  assert.match(listed[1][2], /^at freezesTheUi \(/);
  assertQuit(r, 0);
});

// --- garbage collection on greenlet threads (issue 11) ---------------------------------------

const GC_WARNING = /GreenletWarning: a garbage collection ran on a greenlet's thread, not on Electron's UI thread/;

/** No abort, no unhandled rejection (collections on carriers may warn). */
function assertNoCrash(r) {
  assert.equal(r.signal, null, `the host died of ${r.signal}:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /FATAL/);
  assert.deepEqual(reportsOf(r, 'unhandledRejection'), []);
}

test("a UI-thread frame holding a cppgc object only by a raw pointer: collections on the greenlet's carrier keep it (the main-stack mirror, on in Electron)", { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('gc.js'), { args: ['hold', JSON.stringify({ calls: 3, perCall: 2 })] });
  assertNoCrash(r);
  const { results, stats, counts } = reportOf(r, 'done');
  assert.deepEqual(results.map(({ finalized, intact }) => ({ finalized, intact })), Array(3).fill({ finalized: false, intact: true }));
  assert.ok(counts.fullGcs.off >= 6, JSON.stringify(counts));
  assert.equal(stats.gc.mirror.on, true);
  assert.ok(stats.gc.mirror.copies >= 6, JSON.stringify(stats.gc));
  assert.equal(stats.gc.mirror.truncated, 0);
  assert.equal(r.code, 0);
});

test('a GUI-style loop whose events are emitted with their object held by a raw pointer: none of those objects is found dead, wherever collections ran', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('gc.js'), { args: ['gui', JSON.stringify({ events: 60, burstKiB: 4096 })] });
  assertNoCrash(r);
  const { counts, stats } = reportOf(r, 'done');
  assert.deepEqual(counts.held, { events: 60, dead: 0 }, JSON.stringify(counts));
  assert.ok(stats.gc.mirror.copies >= stats.gc.carriers.full, JSON.stringify(stats.gc));
  assert.equal(r.code, 0);
});

test('the same with configure({ mirrorMainStack: false }): the object is found dead during every call (what the mirror prevents)', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('gc.js'), { args: ['hold', JSON.stringify({ calls: 2, perCall: 2, mirror: false })] });
  assertNoCrash(r);
  const { results, stats } = reportOf(r, 'done');
  assert.deepEqual(results.map(({ finalized }) => finalized), [true, true]);
  assert.equal(stats.gc.mirror.on, false);
  assert.equal(stats.gc.mirror.copies, 0);
  assert.equal(r.code, 0);
});

test('stats().gc puts collections, and the sweep that ran destructors, on the thread where the host saw their finalizers run', { skip, timeout: TIMEOUT }, async () => {
  const r = await run(app('gc.js'), { args: ['one-stretch', JSON.stringify({ collections: 3 })] });
  assertNoCrash(r);
  const { counts, stats } = reportOf(r, 'done');
  // The UI thread's objects died in a collection on the carrier and were destroyed when
  // the next one finished that collection's sweep.
  assert.ok(counts.fullGcs.off >= 3, JSON.stringify(counts));
  assert.deepEqual(counts.preFinalizers, { ui: 0, off: counts.preFinalizers.off });
  assert.ok(counts.preFinalizers.off >= 100000, JSON.stringify(counts));
  assert.ok(counts.destructors.off > 0, JSON.stringify(counts));
  // tendril watches collections from the time it is loaded; every one on a carrier since.
  assert.equal(stats.gc.carriers.full, counts.fullGcs.off);
  assert.equal(stats.gc.carriers.minor, counts.minorGcs.off);
  assert.ok(stats.gc.carriers.sweeps >= 1, JSON.stringify(stats.gc));
  assert.ok(stats.gc.main.full <= counts.fullGcs.ui);
  assert.equal(r.code, 0);
});

test('in development (process.defaultApp) the first full collection on a carrier warns, once, saying what to do; a packaged app does not warn', { skip, timeout: TIMEOUT }, async () => {
  const dev = await run(app('gc.js'), { args: ['hold', JSON.stringify({ calls: 2, perCall: 1 })] });
  assertNoCrash(dev);
  const warnings = reportsOf(dev, 'warning');
  assert.equal(warnings.length, 1, JSON.stringify(warnings));
  assert.match(warnings[0].error, GC_WARNING);
  assert.match(warnings[0].error, /Destroy Tray, Menu, BrowserWindow and WebContents objects explicitly/);
  assert.match(dev.stderr, /TENDRIL_GC_ON_GREENLET_THREAD/);

  const packaged = await run(app('gc.js'), { args: ['hold', JSON.stringify({ calls: 2, perCall: 1 })], env: { ELECTRON_HOST_PACKAGED: '1' } });
  assertNoCrash(packaged);
  assert.ok(reportOf(packaged, 'done').counts.fullGcs.off >= 2);
  assert.deepEqual(reportsOf(packaged, 'warning'), []);
});
