// The host itself behaves like Electron's browser process (no tendril here but where a
// scenario says so). Run as: host host-model.js <scenario>.
'use strict';
const { app, BrowserWindow, ipcMain, dialog } = require('electron');
const { report, testing, runScenario } = require('./kit');

process.on('beforeExit', () => report('beforeExit'));

runScenario({
  // 'ready' listeners run before whenReady() reactions; app.quit() with a window: the
  // window closes first, no 'window-all-closed', then will-quit, exit, quit.
  'quit-order'() {
    app.on('ready', () => report('ready'));
    app.whenReady().then(() => {
      report('whenReady');
      const win = new BrowserWindow();
      win.on('close', () => report('close'));
      win.on('closed', () => report('closed'));
      win.loadFile(__filename).then(() => {
        report('loaded');
        setTimeout(() => app.quit(), 1);
      });
    });
  },

  // process.exit(code) is app.exit(code): no before-quit or will-quit, windows destroyed
  // inside the call, 'exit' then 'quit' inside it too; it returns; the process exits
  // with the code.
  'process-exit'() {
    app.whenReady().then(() => {
      const win = new BrowserWindow();
      win.on('close', () => report('close'));
      win.on('closed', () => report('closed'));
      setTimeout(() => {
        process.exit(7);
        report('returned');
      }, 1);
    });
  },

  // Before the main loop runs, app.exit() exits at once.
  'exit-before-ready'() {
    process.exit(5);
    report('returned');
  },

  // Calling an Electron API off the UI thread kills the process (CHECK failure).
  'off-ui-thread'() {
    const { Greenlet } = require('tendril');
    app.whenReady().then(() => {
      report('calling');
      new Greenlet(() => app.isReady()).switch();
      report('survived');
    });
  },

  // A sync dialog runs a nested loop: a timer and an IPC message run inside the call.
  'nested-loop'() {
    testing.user.hold();
    app.whenReady().then(() => {
      const win = new BrowserWindow();
      win.loadFile(__filename).then(() => {
        setTimeout(() => {
          report('timer in dialog', { open: testing.user.dialogs().length });
          testing.page(win.webContents).send('in-dialog', 'hello');
        }, 5);
        ipcMain.on('in-dialog', (_event, text) => {
          report('ipc in dialog', { text, open: testing.user.dialogs().length });
          testing.user.answer({ response: 1 });
        });
        const response = dialog.showMessageBoxSync(win, { message: 'sure?', buttons: ['no', 'yes'] });
        report('dialog returned', { response });
        app.quit();
      });
    });
  },

  // The microtask checkpoint comes after every task (and when an emitted event's
  // callback scope closes), not in the middle of one.
  microtasks() {
    app.whenReady().then(() => {
      const win = new BrowserWindow();
      const page = testing.page(win.webContents);
      testing.postTask(() => {
        Promise.resolve().then(() => report('microtask of task 1'));
        report('task 1');
        testing.postTask(() => {
          report('task 2');
          page.send('ping');
        });
      });
      ipcMain.on('ping', () => {
        Promise.resolve().then(() => {
          report('microtask of the ipc event');
          app.quit();
        });
        report('ipc event');
      });
    });
  },

  // A timer started from an IPC task outside Electron's setTimeout wrapper
  // (timers/promises): only libuv's wake (Electron's UV_LOOP_INTERRUPT_ON_IO_CHANGE patch;
  // the host's equivalent) gets the embed thread to poll for it.
  'timer-without-wrapper'() {
    const { setTimeout: delay } = require('node:timers/promises');
    ipcMain.on('go', () => {
      delay(30).then(() => {
        report('timer fired');
        app.quit();
      });
    });
    app.whenReady().then(() => {
      const win = new BrowserWindow();
      testing.page(win.webContents).send('go');
    });
  },

  // The same from a whenReady() reaction (it runs when 'ready' is emitted, outside any
  // task), while the embed thread polls with a far deadline.
  'timer-in-ready'() {
    const { setTimeout: delay } = require('node:timers/promises');
    const far = new AbortController();
    delay(2 ** 31 - 1, null, { signal: far.signal }).catch(() => {});
    app.whenReady().then(() =>
      delay(1).then(() => {
        far.abort();
        report('timer fired');
        app.quit();
      }),
    );
  },

  // A greenlet resumed from an IPC task sleeps: the embed thread must wake for its timer.
  'sleep-after-ipc'() {
    const { Channel, spawn, sleep } = require('tendril');
    const messages = new Channel();
    ipcMain.on('go', (_event, value) => messages.send(value));
    app.whenReady().then(() => {
      const win = new BrowserWindow();
      spawn(() => {
        const value = messages.receive();
        sleep(30);
        report('slept', { value });
        setTimeout(() => app.quit(), 1);
      });
      testing.page(win.webContents).send('go', 42);
    });
  },
});
