// tendril finds Node-API and V8 in whatever executable hosts it, not in a file named
// node: Electron apps run as electron.exe or under the app's own name. On Windows this
// is the delay-load hook mapping the addon's "node.exe" import to the running executable
// (native/win_delay_load_hook.cc for mingw builds, node-gyp's for MSVC ones) and
// platform_win.cc finding V8's exports there; elsewhere, symbols of the main program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

test('a copy of node under another name (as electron.exe hosts tendril) loads it and switches', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-host-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const host = path.join(dir, process.platform === 'win32' ? 'my-app.exe' : 'my-app');
  fs.copyFileSync(process.execPath, host);
  fs.chmodSync(host, 0o755);
  const script = `
    const { Greenlet, spawn, sleep } = require('tendril');
    const g = new Greenlet((x) => Greenlet.main.switch(x + 1) * 2);
    const first = g.switch(1), second = g.switch(3);
    spawn(() => { sleep(1); return 'slept'; }).promise.then((v) => console.log(JSON.stringify([first, second, g.dead, v])));
  `;
  const result = spawnSync(host, ['-e', script], { encoding: 'utf8', cwd: process.cwd(), env: process.env });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), [2, 6, true, 'slept']);
});
