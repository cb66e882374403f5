// The demo as an Electron app: the same app logic (app/session.js) and page (renderer/)
// as the browser host, with a BrowserWindow, a preload bridge and IPC.
//
//   npm run demo:electron          (where Electron's binary is installed)
//
// The app logic runs in the app greenlet (appLoop) on a carrier thread; every Electron
// call it makes goes through `ui`, which runs it on the UI thread.
'use strict';
const path = require('node:path');
const { waitFor, sleep } = require('tendril');
const { appLoop, ui, ipcChannel, handle } = require('tendril/electron');
const { runSession, info } = require('../app/session');

appLoop(() => {
  const win = new ui.BrowserWindow({
    width: 900,
    height: 600,
    title: 'tendril demo',
    backgroundColor: '#101418',
    webPreferences: {
      preload: path.join(__dirname, 'preload.js'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: false, // the preload requires tendril/renderer (see preload.js)
    },
  });
  win.setMenuBarVisibility(false);
  const keys = ipcChannel('key');
  const ready = ipcChannel('ready');
  handle('info', () => info('electron')); // runs in a greenlet of its own; may wait
  waitFor(win.loadFile(path.join(__dirname, '..', 'renderer', 'index.html')));
  ready.receive(); // the page's listeners are in place

  const host = {
    name: 'electron',
    keys,
    send(channel, ...args) {
      if (!win.isDestroyed()) win.webContents.send(channel, ...args);
    },
    quit() {
      host.send('closed', 'quit');
      sleep(600); // let "Bye!" be seen; then returning from here quits the app
    },
  };
  // Closing the window quits the app, which kills this greenlet (its finally blocks run).
  return runSession(host);
});
