// The demo's Electron app (demo-app/electron/main.js, the real file) with its window's
// page played headless: 'ready', handle('info'), keystrokes over IPC, and what the app
// sends back. (e2e/electron-host.test.mjs shows the same app's page in Chromium.)
'use strict';
const { app } = require('electron');
const { report, testing } = require('./kit');

app.on('browser-window-created', (_event, win) => {
  const page = testing.page(win.webContents);
  win.webContents.once('did-finish-load', () => {
    play(page).catch((error) => {
      report('failed', { error: error.stack });
      app.exit(1);
    });
  });
});
require('../../../demo-app/electron/main.js');

async function play(page) {
  const sent = (channel) => page.received().filter(([name]) => name === channel);
  // A backspace rubs out the character before it.
  const output = () => sent('output').map(([, text]) => text).join('').replace(/[^\x08]\x08/g, '');
  const until = (check) =>
    new Promise((resolve) => {
      if (check()) return resolve();
      const stop = page.onMessage(() => {
        if (!check()) return;
        stop();
        resolve();
      });
    });
  const type = (keys) => {
    for (const key of keys) page.send('key', key);
  };
  app.on('before-quit', () => report('transcript', { output: output(), closed: sent('closed') }));

  page.send('ready');
  const info = await page.invoke('info');
  report('info', { host: info.host, electron: info.electron });
  await until(() => output().endsWith('> '));
  type('echo from electron\n');
  await until(() => output().endsWith('from electron\n> '));
  type('greenlets\n');
  await until(() => /clock\s+suspended/.test(output()) && output().endsWith('> '));
  type('cat hello.txt\n');
  await until(() => output().includes('through blocking(fs.promises.readFile)') && output().endsWith('> '));
  const ticks = sent('clock').length;
  type('sleep 1.2\n');
  await until(() => output().endsWith('Slept 1.2 s.\n> '));
  report('slept', { clockTicked: sent('clock').length > ticks });
  type('quit\nn');
  await until(() => output().endsWith('OK, staying.\n> '));
  type('quit\ny');
}
