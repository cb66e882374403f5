// appLoop, ipcChannel and handle of tendril/electron, built with createElectronLayer()
// over the Electron-shaped stand-in of test/electron-fake.mjs (whose every member throws
// off the main thread). The real entry builds the same layer over require('electron').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { GreenletExit, GreenletError, getCurrent, sleep, spawn, waitFor, Channel } from 'tendril';
import { createElectronLayer, IpcChannel, isMarshalled, unmarshal } from 'tendril/electron';
import { affine, mainTid, createFakeElectron } from './electron-fake.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Resolves once `check()` is true (polling the event loop), or fails after `ms`. */
async function until(check, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${check}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('appLoop runs fn in a greenlet once the app is ready; returning quits the app (exit 0)', async () => {
  const fake = createFakeElectron();
  const { ui, appLoop } = createElectronLayer(fake);
  const seen = {};
  const result = appLoop(() => {
    seen.readyAtStart = ui.app.isReady();
    seen.carrier = affine.threadId();
    seen.isMain = getCurrent().isMain;
    const win = new ui.BrowserWindow({ title: 'app' });
    waitFor(win.loadFile('index.html')); // waits: the event loop runs meanwhile
    sleep(5);
    seen.sameWindow = ui.BrowserWindow.getAllWindows()[0] === win;
    return 'done';
  });
  assert.ok(result instanceof Promise);
  assert.deepEqual(fake.app.log, [], 'fn does not start before the app is ready');
  assert.equal(await result, 'done');
  assert.equal(seen.readyAtStart, true);
  assert.notEqual(seen.carrier, mainTid, 'the app greenlet runs on its own carrier');
  assert.equal(seen.isMain, false);
  assert.equal(seen.sameWindow, true);
  await until(() => fake.app.exitCode !== null);
  assert.equal(fake.app.exitCode, 0);
  assert.deepEqual(fake.app.log, ['ready', 'quit()', 'exit 0']);
  assert.deepEqual(fake.offMain, []);
});

test('appLoop with quitOnReturn: false leaves the app running', async () => {
  const fake = createFakeElectron();
  const { appLoop } = createElectronLayer(fake);
  assert.equal(await appLoop(() => 7, { quitOnReturn: false }), 7);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(fake.app.exitCode, null);
  assert.deepEqual(fake.app.log, ['ready']);
});

test('an uncaught error in the app greenlet is shown (dialog and stderr) and the app exits with 1', async () => {
  const fake = createFakeElectron();
  const { appLoop } = createElectronLayer(fake);
  const error = new TypeError('the app logic broke');
  const writes = [];
  const write = process.stderr.write;
  process.stderr.write = (chunk, ...rest) => {
    writes.push(String(chunk));
    return true;
  };
  let rejected;
  try {
    rejected = await appLoop(() => {
      sleep(1);
      throw error;
    }).then(
      () => null,
      (e) => e,
    );
  } finally {
    process.stderr.write = write;
  }
  assert.equal(rejected, error, 'the returned promise rejects with the very error');
  assert.equal(fake.app.exitCode, 1);
  assert.equal(fake.dialog.shown.length, 1);
  assert.equal(fake.dialog.shown[0].title, 'Uncaught error in the app');
  assert.match(fake.dialog.shown[0].content, /TypeError: the app logic broke/);
  assert.match(writes.join(''), /app greenlet failed:[\s\S]*the app logic broke/);
  assert.deepEqual(fake.offMain, []);

  // errorDialog: false → stderr only; the unhandled-rejection machinery stays quiet.
  const fake2 = createFakeElectron();
  const layer2 = createElectronLayer(fake2);
  process.stderr.write = () => true;
  try {
    await layer2.appLoop(() => {
      throw error;
    }, { errorDialog: false }).catch(() => {});
  } finally {
    process.stderr.write = write;
  }
  assert.equal(fake2.app.exitCode, 1);
  assert.equal(fake2.dialog.shown.length, 0);
});

test('quitting the app kills the app greenlet (GreenletExit, finally runs) before the app exits', async () => {
  const fake = createFakeElectron();
  const { ui, appLoop } = createElectronLayer(fake);
  const log = [];
  const result = appLoop(() => {
    const win = new ui.BrowserWindow();
    try {
      log.push('waiting');
      for (;;) sleep(1000); // the app logic waits for ever
    } catch (e) {
      log.push(e instanceof GreenletExit ? 'GreenletExit' : `other: ${e}`);
      throw e;
    } finally {
      // finally blocks may still use Electron and wait
      log.push(`finally: ${win.isDestroyed() ? 'destroyed' : 'window alive'}`);
      sleep(5);
      log.push(`finally done, exit code so far ${fake.app.exitCode}`);
    }
  });
  await until(() => log.length === 1);
  // The last window closes → window-all-closed → app.quit() → will-quit.
  fake.BrowserWindow.getAllWindows()[0].close();
  const value = await result;
  assert.ok(value instanceof GreenletExit, `resolves with the GreenletExit, got ${value}`);
  await until(() => fake.app.exitCode !== null);
  assert.deepEqual(log, ['waiting', 'GreenletExit', 'finally: destroyed', 'finally done, exit code so far null']);
  assert.equal(fake.app.exitCode, 0);
  assert.deepEqual(fake.app.log, ['ready', 'quit()', 'quit prevented', 'quit()', 'exit 0']);
  assert.deepEqual(fake.offMain, []);
});

test('ipcChannel: messages from ipcMain.on reach a greenlet in order; withEvent marshals the event; close stops listening', async () => {
  const fake = createFakeElectron();
  const { ui, ipcChannel } = createElectronLayer(fake);
  const sender = new fake.WebContents(null);
  const received = spawn(() => {
    const keys = ipcChannel('key');
    const replies = ipcChannel('hello', { withEvent: true });
    assert.ok(keys instanceof IpcChannel && keys instanceof Channel);
    const got = [keys.receive(), keys.receive(), keys.receive()];
    const message = replies.receive();
    // The event is marshalled: reply through its sender from this greenlet.
    message.event.sender.send('hello-back', `hi ${message.args[0]}`);
    const senderIsProxy = isMarshalled(message.event.sender);
    keys.close();
    let iterated = 0;
    for (const _ of keys) iterated++; // drained and closed: iteration ends at once
    return { got, args: message.args, senderIsProxy, iterated, listeners: ui.ipcMain.listenerCount('key') };
  });
  await new Promise((resolve) => setTimeout(resolve, 5));
  fake.ipcMain.deliver('key', sender, 'a');
  fake.ipcMain.deliver('key', sender);
  fake.ipcMain.deliver('key', sender, 'x', 'y');
  fake.ipcMain.deliver('hello', sender, 'ada', 2);
  const r = await received.promise;
  assert.deepEqual(r.got, ['a', undefined, ['x', 'y']]);
  assert.deepEqual(r.args, ['ada', 2]);
  assert.equal(r.senderIsProxy, true);
  assert.equal(r.iterated, 0);
  assert.equal(r.listeners, 0, 'close() removed the ipcMain listener');
  assert.deepEqual(sender.sent, [['hello-back', 'hi ada']]);
  assert.deepEqual(fake.offMain, []);
});

test('handle: the handler runs in a greenlet, may wait and use ui; the renderer gets its result or its error', async () => {
  const fake = createFakeElectron();
  const { ui, handle } = createElectronLayer(fake);
  const sender = new fake.WebContents(null);
  const failure = new RangeError('handler failed');
  const seen = [];
  const remove = handle('compute', (event, a, b) => {
    seen.push({ carrier: affine.threadId(), senderIsProxy: isMarshalled(event.sender) });
    sleep(5); // may wait
    const win = new ui.BrowserWindow({ title: `sum ${a + b}` });
    return { sum: a + b, title: win.getTitle() };
  });
  handle('fail', () => {
    sleep(1);
    throw failure;
  });
  handle('returns-ui', () => new ui.BrowserWindow({ title: 'returned' }));
  assert.deepEqual(await fake.ipcMain.invoke('compute', sender, 2, 3), { sum: 5, title: 'sum 5' });
  await assert.rejects(fake.ipcMain.invoke('fail', sender), (e) => e === failure);
  // Two invokes at once: two greenlets.
  const both = await Promise.all([fake.ipcMain.invoke('compute', sender, 1, 1), fake.ipcMain.invoke('compute', sender, 10, 10)]);
  assert.deepEqual(both.map((r) => r.sum), [2, 20]);
  // A marshalled value goes back to Electron as the real object.
  const returned = await fake.ipcMain.invoke('returns-ui', sender);
  assert.ok(returned instanceof fake.BrowserWindow && !isMarshalled(returned));
  assert.equal(seen.length, 3);
  assert.ok(seen.every((s) => s.carrier !== mainTid && s.senderIsProxy));
  remove();
  remove();
  assert.equal(fake.ipcMain.hasHandler('compute'), false);
  assert.deepEqual(fake.offMain, []);
});

test('the layer works when used from inside a greenlet too (its own Electron calls go through onMain)', async () => {
  const fake = createFakeElectron();
  const layer = spawn(() => {
    const l = createElectronLayer(fake);
    const keys = l.ipcChannel('k');
    l.handle('h', () => 'handled');
    return { l, keys };
  });
  const { l, keys } = await layer.promise;
  const task = spawn(() => keys.receive());
  await new Promise((resolve) => setTimeout(resolve, 5));
  fake.ipcMain.deliver('k', null, 'v');
  assert.equal(await task.promise, 'v');
  assert.equal(await fake.ipcMain.invoke('h', null), 'handled');
  assert.equal(unmarshal(l.ui), fake);
  assert.deepEqual(fake.offMain, []);
});

test('misuse: bad arguments throw TypeError; a marshalled call cannot wait', async () => {
  const fake = createFakeElectron();
  const { ui, appLoop, ipcChannel, handle } = createElectronLayer(fake);
  assert.throws(() => createElectronLayer(null), TypeError);
  assert.throws(() => appLoop('nope'), TypeError);
  assert.throws(() => ipcChannel(5), TypeError);
  assert.throws(() => handle('x', 5), TypeError);
  // A listener registered through ui runs in the main greenlet: waiting there is refused.
  const errors = [];
  ui.ipcMain.on('wait', () => {
    try {
      sleep(1);
    } catch (e) {
      errors.push(e);
    }
  });
  fake.ipcMain.deliver('wait', null);
  assert.ok(errors[0] instanceof GreenletError);
});

test("the main entry never loads electron; tendril/electron loads it only on use, and says so outside Electron", () => {
  const script = `
    const before = Object.keys(require.cache).filter((f) => f.includes('/node_modules/electron/'));
    require('tendril');
    const afterMain = Object.keys(require.cache).filter((f) => f.includes('/node_modules/electron/'));
    const entry = require('tendril/electron');
    const afterEntry = Object.keys(require.cache).filter((f) => f.includes('/node_modules/electron/'));
    let error = null;
    try { entry.ui.app; } catch (e) { error = e.message; }
    let loopError = null;
    try { entry.appLoop(() => {}); } catch (e) { loopError = e.message; }
    const renderer = require('tendril/renderer');
    console.log(JSON.stringify({ before, afterMain, afterEntry, error, loopError,
      exports: Object.keys(entry).sort(), renderer: Object.keys(renderer).sort(),
      electronLoaded: Object.keys(require.cache).some((f) => f.includes('/node_modules/electron/')) }));
  `;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.deepEqual(out.afterMain, []);
  assert.deepEqual(out.afterEntry, []);
  assert.equal(out.electronLoaded, false);
  assert.match(out.error, /not running in Electron/);
  assert.match(out.loopError, /not running in Electron/);
  for (const name of ['ui', 'appLoop', 'ipcChannel', 'handle', 'marshal', 'unmarshal', 'isMarshalled', 'createElectronLayer', 'IpcChannel']) {
    assert.ok(out.exports.includes(name), `tendril/electron exports ${name}`);
  }
  assert.deepEqual(out.renderer, ['createBridge', 'exposeBridge']);
});
