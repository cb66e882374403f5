// tendril/electron in the Electron-shaped host: appLoop, ui, ipcChannel, handle, and
// process.exit() from a greenlet. Every Electron API the app touches kills the process
// when it runs off the UI thread, so reaching the end proves the marshalling.
// Run as: host layer.js <scenario>.
'use strict';
const { app, BrowserWindow } = require('electron');
const { GreenletError, GreenletExit, getCurrent, onMain, sleep, spawn, waitFor } = require('tendril');
const { appLoop, createElectronLayer, handle, ipcChannel, isMarshalled, ui, unmarshal } = require('tendril/electron');
const { report, describe, testing, runScenario } = require('./kit');

/** A window whose headless page the scenario plays (on the UI thread). */
function pageOfFirstWindow() {
  return testing.page(BrowserWindow.getAllWindows()[0].webContents);
}

runScenario({
  'app-loop-returns'() {
    report('scheduled', { ready: app.isReady() });
    appLoop(() => {
      const seen = { ready: ui.app.isReady(), ui: testing.isUiThread(), main: getCurrent().isMain };
      const win = new ui.BrowserWindow({ title: 'app' });
      waitFor(win.loadFile(__filename)); // waits; the event loop runs meanwhile
      sleep(5);
      seen.sameWindow = ui.BrowserWindow.getAllWindows()[0] === win && ui.BrowserWindow.fromId(win.id) === win;
      report('returning', seen);
      return 'done';
    }).then((value) => report('resolved', { value }));
  },

  'quit-on-return-false'() {
    appLoop(() => 7, { quitOnReturn: false }).then((value) => {
      report('resolved', { value });
      setTimeout(() => {
        report('still running', { ready: app.isReady() });
        app.quit();
      }, 20);
    });
  },

  'app-error'() {
    const error = new TypeError('the app logic broke');
    appLoop(() => {
      sleep(1);
      throw error;
    }, { errorDialog: process.argv[3] !== 'no-dialog' }).catch((e) => report('rejected', { same: e === error }));
  },

  // The user closes the last window while the app greenlet waits: the quit waits while
  // the greenlet is killed; its finally blocks may still use ui and wait.
  'quit-kills-app-greenlet'() {
    appLoop(() => {
      const win = new ui.BrowserWindow();
      try {
        report('waiting');
        onMain(() => pageOfFirstWindow().clickClose());
        for (;;) sleep(1000);
      } catch (e) {
        report('caught', { exit: e instanceof GreenletExit });
        throw e;
      } finally {
        report('finally', { destroyed: win.isDestroyed() });
        sleep(5);
        report('finally done');
      }
    }).then((value) => report('resolved', { exit: value instanceof GreenletExit }));
  },

  // Failure 2 of issue 10: ui.app.quit() from the app greenlet with no window open emits
  // will-quit inside that marshalled call; appLoop's listener kills the very greenlet
  // waiting for the call.
  'app-quit-from-app-greenlet'() {
    appLoop(() => {
      try {
        report('quitting');
        ui.app.quit();
        report('quit() returned');
        sleep(50);
        return 'survived';
      } catch (e) {
        report('caught', { error: describe(e), exit: e instanceof GreenletExit });
        throw e;
      } finally {
        report('finally', { ready: ui.app.isReady() });
      }
    }).then((value) => report('resolved', { exit: value instanceof GreenletExit, value: String(value) }));
  },

  // Failure 3 of issue 10: process.exit() in a greenlet. In Electron it is app.exit(),
  // which destroys the windows and runs the quit sequence: on the UI thread.
  'process-exit-in-greenlet'() {
    appLoop(() => {
      const win = new ui.BrowserWindow();
      win.on('closed', () => report('closed', { ui: testing.isUiThread() }));
      // Once the main loop runs (before, app.exit() exits the process directly).
      waitFor(win.loadFile(__filename));
      try {
        report('exiting');
        process.exit(3);
        report('process.exit returned', { destroyed: win.isDestroyed() });
        sleep(1000);
        report('slept');
      } finally {
        report('finally');
      }
    });
  },

  'ipc-channel'() {
    app.whenReady().then(() => {
      const win = new BrowserWindow();
      const page = testing.page(win.webContents);
      spawn(() => {
        const keys = ipcChannel('key');
        const hellos = ipcChannel('hello', { withEvent: true });
        // The page sends once both channels listen.
        onMain(() => {
          page.send('key', 'a');
          page.send('key');
          page.send('key', 'x', 'y');
          page.send('hello', 'ada', 2);
        });
        const got = [keys.receive(), keys.receive(), keys.receive()];
        const message = hellos.receive();
        // The event is marshalled: reply through its sender from this greenlet.
        message.event.sender.send('hello-back', `hi ${message.args[0]}`);
        const senderIsProxy = isMarshalled(message.event.sender);
        keys.close();
        let iterated = 0;
        for (const _ of keys) iterated++;
        return { got, args: message.args, senderIsProxy, iterated, listeners: ui.ipcMain.listenerCount('key') };
      }).promise.then((result) => {
        report('received', { ...result, got: JSON.stringify(result.got), pageGot: page.received() });
        app.quit();
      });
    });
  },

  handle() {
    const seen = [];
    const remove = handle('compute', (event, a, b) => {
      seen.push({ ui: testing.isUiThread(), main: getCurrent().isMain, senderIsProxy: isMarshalled(event.sender) });
      sleep(5); // may wait
      const win = new ui.BrowserWindow({ title: `sum ${a + b}` });
      return { sum: a + b, title: win.getTitle() };
    });
    handle('fail', () => {
      sleep(1);
      throw new RangeError('handler failed');
    });
    app.whenReady().then(async () => {
      const page = testing.page(new BrowserWindow().webContents);
      const settle = (promise) => promise.then((value) => ({ value }), (error) => ({ error: error.message }));
      const results = {
        compute: await settle(page.invoke('compute', 2, 3)),
        fail: await settle(page.invoke('fail')),
        both: await Promise.all([settle(page.invoke('compute', 1, 1)), settle(page.invoke('compute', 10, 10))]),
        missing: await settle(page.invoke('missing')),
      };
      remove();
      remove();
      results.removed = await settle(page.invoke('compute', 1, 2));
      report('invoked', { results, seen });
      app.quit();
    });
  },

  // tendril/electron used first from inside a greenlet: its own Electron calls go through onMain.
  'layer-from-greenlet'() {
    app.whenReady().then(async () => {
      const page = testing.page(new BrowserWindow().webContents);
      const keys = await spawn(() => {
        const channel = ipcChannel('k');
        handle('h', () => 'handled');
        return channel;
      }).promise;
      const received = spawn(() => keys.receive());
      page.send('k', 'v');
      report('used', { received: await received.promise, invoked: await page.invoke('h'), uiIsElectron: unmarshal(ui.app) === app });
      app.quit();
    });
  },

  misuse() {
    const typeErrors = [
      () => createElectronLayer(null),
      () => appLoop('nope'),
      () => ipcChannel(5),
      () => handle('x', 5),
    ].map((bad) => {
      try {
        bad();
        return 'no error';
      } catch (e) {
        return e instanceof TypeError;
      }
    });
    app.whenReady().then(() => {
      const page = testing.page(new BrowserWindow().webContents);
      // A listener registered through ui runs in the main greenlet: waiting there is refused.
      ui.ipcMain.on('wait', () => {
        try {
          sleep(1);
          report('waited');
        } catch (e) {
          report('refused', { typeErrors, greenletError: e instanceof GreenletError });
          app.quit();
        }
      });
      page.send('wait');
    });
  },

  // dialog.showMessageBox (not ...Sync) through ui: a promise to wait for; other greenlets
  // run while the dialog is open.
  'async-dialog'() {
    testing.user.hold();
    appLoop(() => {
      const other = spawn(() => {
        sleep(1);
        return 'other ran';
      });
      const answer = ui.dialog.showMessageBox({ message: 'async', buttons: ['no', 'yes'] });
      const otherResult = other.join(); // while the dialog is open
      const open = onMain(() => testing.user.dialogs().length);
      onMain(() => testing.user.answer({ response: 1 }));
      report('answered', { response: waitFor(answer).response, otherResult, open });
    });
  },

  // Each greenlet keeps its AsyncLocalStorage context (V8's continuation data on Node 24+),
  // whatever resumes it: an IPC task, a timer, a marshalled call's return.
  'async-context'() {
    const { AsyncLocalStorage } = require('node:async_hooks');
    const als = new AsyncLocalStorage();
    app.whenReady().then(() => {
      const page = testing.page(new BrowserWindow().webContents);
      const keys = ipcChannel('k');
      const task = als.run('greenlet', () =>
        spawn(() => {
          const seen = [als.getStore()];
          keys.receive();
          seen.push(als.getStore());
          sleep(1);
          seen.push(als.getStore());
          ui.app.getName();
          seen.push(als.getStore());
          return seen;
        }),
      );
      als.run('main', () => {
        page.send('k', 1);
        task.promise.then((seen) => {
          report('stores', { seen, main: als.getStore() });
          app.quit();
        });
      });
    });
  },

  // The ui membrane in Electron: identity, listeners on the main greenlet, real promises,
  // errors as they are.
  marshal() {
    appLoop(() => {
      const win = new ui.BrowserWindow({ title: 'first' });
      const listener = [];
      win.webContents.on('did-finish-load', function () {
        listener.push({ ui: testing.isUiThread(), main: getCurrent().isMain, thisIsProxy: isMarshalled(this) });
      });
      const loading = win.loadFile(__filename);
      const isPromise = loading instanceof Promise;
      waitFor(loading);
      let error = null;
      try {
        win.setMenuBarVisibility('not a boolean');
      } catch (e) {
        error = { type: e instanceof TypeError, message: e.message };
      }
      report('marshalled', {
        same: ui.BrowserWindow.getAllWindows()[0] === win && ui.BrowserWindow.fromWebContents(win.webContents) === win,
        webContentsTwice: win.webContents === win.webContents,
        isWindow: win instanceof ui.BrowserWindow,
        isPromise,
        listener,
        error,
      });
    });
  },
});
