// tendril/renderer: the preload bridge, over a stand-in ipcRenderer and contextBridge
// (Electron cannot run here). The page may use only the channels the app listed, gets
// the messages' arguments without Electron's event object, and can stop listening.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createBridge, exposeBridge } from 'tendril/renderer';

function fakeIpcRenderer() {
  const ipc = new EventEmitter();
  ipc.sent = [];
  ipc.invoked = [];
  ipc.send = (channel, ...args) => ipc.sent.push([channel, ...args]);
  ipc.invoke = async (channel, ...args) => {
    ipc.invoked.push([channel, ...args]);
    if (channel === 'fails') throw new Error('handler error');
    return { channel, args };
  };
  // What Electron does for webContents.send: the event first, then the arguments.
  ipc.deliver = (channel, ...args) => ipc.emit(channel, { sender: ipc, ports: [] }, ...args);
  return ipc;
}

test('send, on and invoke work on the listed channels only', async () => {
  const ipc = fakeIpcRenderer();
  const bridge = createBridge(ipc, { send: ['key'], on: ['output'], invoke: ['info', 'fails'] });
  bridge.send('key', 'a', 1);
  assert.deepEqual(ipc.sent, [['key', 'a', 1]]);
  assert.throws(() => bridge.send('output', 'x'), /"output" is not an allowed send channel \(allowed: key\)/);
  assert.throws(() => bridge.send('anything'), /not an allowed send channel/);
  assert.deepEqual(ipc.sent.length, 1, 'a refused send sends nothing');

  const got = [];
  const off = bridge.on('output', (...args) => got.push(args));
  ipc.deliver('output', 'hello', 2);
  assert.deepEqual(got, [['hello', 2]], 'the listener gets the arguments, never the event');
  off();
  off();
  ipc.deliver('output', 'after');
  assert.equal(got.length, 1, 'stopped listening');
  assert.equal(ipc.listenerCount('output'), 0);
  assert.throws(() => bridge.on('key', () => {}), /not an allowed on channel/);
  assert.throws(() => bridge.on('output', 'not a function'), TypeError);

  assert.deepEqual(await bridge.invoke('info', 1), { channel: 'info', args: [1] });
  await assert.rejects(bridge.invoke('fails'), /handler error/);
  await assert.rejects(bridge.invoke('key'), /not an allowed invoke channel/);
  assert.deepEqual(ipc.invoked.map(([c]) => c), ['info', 'fails']);

  assert.deepEqual(bridge.channels, { send: ['key'], on: ['output'], invoke: ['info', 'fails'] });
  assert.ok(Object.isFrozen(bridge) && Object.isFrozen(bridge.channels.send));
  assert.ok(!('ipcRenderer' in bridge));
});

test('channel lists are checked', () => {
  const ipc = fakeIpcRenderer();
  assert.throws(() => createBridge(ipc, null), TypeError);
  assert.throws(() => createBridge(ipc, { send: 'key' }), TypeError);
  assert.throws(() => createBridge(ipc, { on: [''] }), TypeError);
  const none = createBridge(ipc, {});
  assert.throws(() => none.send('x'), /allowed: none/);
});

test('exposeBridge hands the bridge to contextBridge.exposeInMainWorld under its key', () => {
  const ipc = fakeIpcRenderer();
  const exposed = {};
  const contextBridge = { exposeInMainWorld: (key, api) => (exposed[key] = api) };
  const bridge = exposeBridge({ send: ['key'] }, { contextBridge, ipcRenderer: ipc });
  assert.equal(exposed.tendril, bridge);
  exposed.tendril.send('key', 'k');
  assert.deepEqual(ipc.sent, [['key', 'k']]);
  exposeBridge({ on: ['x'] }, { key: 'terminal', contextBridge, ipcRenderer: ipc });
  assert.deepEqual(exposed.terminal.channels.on, ['x']);
  // Outside Electron (no contextBridge in require('electron')) it says where it belongs.
  assert.throws(() => exposeBridge({ send: ['key'] }), /preload script|Electron/);
});
