// The demo's Electron host (demo-app/electron/main.js, the real file, through the real
// tendril/electron entry) run under Node against the Electron-shaped stand-in of
// test/electron-fake.mjs, since Electron cannot run here. The test plays the page: it
// sends 'ready' and keystrokes over the fake ipcMain and reads what the app sends to the
// window. Every Electron member the app touches throws off the main thread, so this also
// proves that the demo's app greenlet reaches Electron only through `ui`.
// (node --test runs each test file in a process of its own: the stand-in stays here.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeElectron, mainTid } from './electron-fake.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

test('demo-app/electron/main.js against the Electron stand-in: commands, handle(info), quit', { timeout: 60_000 }, async (t) => {
  const fake = createFakeElectron();
  // On failure, quit the stand-in app: its greenlets end and the process can exit.
  t.after(() => {
    if (fake.app.exitCode === null) fake.app.quit();
  });
  fake.BrowserWindow.prototype.setMenuBarVisibility = function (visible) {
    if (process.versions && typeof visible !== 'boolean') throw new TypeError('boolean expected');
  };
  const loaded = [];
  const loadFile = fake.BrowserWindow.prototype.loadFile;
  fake.BrowserWindow.prototype.loadFile = function (file) {
    loaded.push({ file, options: this.options });
    return loadFile.call(this, file);
  };
  // Stand in for Electron: process.versions.electron, and require('electron') → the fake.
  Object.defineProperty(process.versions, 'electron', { value: '0.0.0-stand-in', enumerable: true, configurable: true });
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return request === 'electron' ? 'electron' : resolve.call(this, request, ...rest);
  };
  require.cache.electron = { id: 'electron', filename: 'electron', loaded: true, exports: fake };

  require(path.join(root, 'demo-app/electron/main.js'));
  const until = async (check, what, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  await until(() => fake.BrowserWindow.getAllWindows().length === 1, 'the window');
  const win = fake.BrowserWindow.getAllWindows()[0];
  await until(() => loaded.length === 1, 'loadFile');
  assert.match(loaded[0].file, /demo-app[/\\]renderer[/\\]index\.html$/);

  // The page: its preload's channels, 'ready', then keystrokes.
  const output = () =>
    win.webContents.sent
      .filter(([channel]) => channel === 'output')
      .map(([, text]) => text)
      .join('')
      .replace(/[^\x08]\x08/g, ''); // a backspace rubs out the character before it
  fake.ipcMain.deliver('ready', win.webContents);
  const info = await fake.ipcMain.invoke('info', win.webContents);
  assert.equal(info.host, 'electron');
  assert.equal(info.electron, '0.0.0-stand-in');
  await until(() => output().endsWith('> '), 'the first prompt');
  assert.match(output(), /tendril demo \(electron host\)/);
  const type = async (keys) => {
    for (const key of keys) fake.ipcMain.deliver('key', win.webContents, key);
  };
  await type('echo from electron\n');
  await until(() => output().endsWith('from electron\n> '), 'echo');
  await type('greenlets\n');
  await until(() => /clock\s+suspended/.test(output()) && output().endsWith('> '), 'greenlets');
  assert.match(output(), /^commands\s+running\s+this command$/m);
  await type('cat hello.txt\n');
  await until(() => output().includes('through blocking(fs.promises.readFile)') && output().endsWith('> '), 'cat');
  const clocks = () => win.webContents.sent.filter(([channel]) => channel === 'clock').length;
  const ticksBefore = clocks();
  await type('sleep 1.2\n');
  await until(() => output().endsWith('Slept 1.2 s.\n> '), 'sleep');
  assert.ok(clocks() > ticksBefore, 'the clock ticked during the sleep');
  await type('quit\nn');
  await until(() => output().endsWith('OK, staying.\n> '), 'quit, n');
  await type('quit\ny');
  await until(() => fake.app.exitCode !== null, 'the app to quit');
  assert.equal(fake.app.exitCode, 0);
  assert.match(output(), /Are you sure\? \[y\/n\] y\nBye!\n$/);
  assert.deepEqual(
    win.webContents.sent.filter(([channel]) => channel === 'closed'),
    [['closed', 'quit']],
  );
  // Every Electron member ran on the main thread.
  assert.deepEqual(fake.offMain, []);
  assert.ok(fake.calls.every((call) => call.tid === mainTid));
  assert.ok(fake.calls.filter((call) => call.what === 'webContents.send').length > 20);
});
