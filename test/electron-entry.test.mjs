// tendril/electron's entry in plain Node: the main entry never loads `electron`, and
// tendril/electron loads it only on use and says so outside Electron. The Electron layer
// itself (appLoop, ui, ipcChannel, handle) is tested in an Electron-shaped main process:
// test/electron-host.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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
