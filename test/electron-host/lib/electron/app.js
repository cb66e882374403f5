// `app`: Electron's App (shell/browser/api/electron_api_app.cc) over the Browser's quit
// logic (shell/browser/browser.cc), which is modelled here line by line:
//
//   quit():  before-quit (preventable); no window: will-quit (preventable) and quit at
//            once, inside the call; windows: close them all, and when the last one has
//            closed, will-quit and quit.
//   exit():  before the main loop runs, the process exits at once; else no before-quit
//            and no will-quit: windows are destroyed (synchronously) and quit is emitted.
//   quit:    Emit('quit', exitCode), then the main loop's quit closure is posted.
//
// Every method is C++ in Electron, so each checks the UI thread first.
'use strict';
const { EventEmitter } = require('node:events');
const path = require('node:path');
const { binding, uiThreadOnly } = require('./binding');
const { createEvent, emitEvent } = require('./events');
const windowList = require('./window-list');

const browser = {
  isQuitting: false,
  isExiting: false,
  isShutdown: false,
  isReady: false,

  quit() {
    if (this.isQuitting) return;
    this.isQuitting = !emitEvent(app, 'before-quit');
    if (!this.isQuitting) return;
    if (windowList.isEmpty()) this.notifyAndShutdown();
    else windowList.closeAllWindows();
  },

  exitWithCode(code) {
    if (!binding.setExitCode(code)) {
      // "Message loop is not ready, quit directly."
      binding.exitNow(code);
      return;
    }
    this.isQuitting = true;
    this.isExiting = true;
    if (windowList.isEmpty()) this.shutdown();
    else windowList.destroyAllWindows();
  },

  shutdown() {
    if (this.isShutdown) return;
    this.isShutdown = true;
    this.isQuitting = true;
    // App::OnQuit
    binding.emit(app, 'quit', createEvent(), binding.exitCode());
    binding.runQuitClosure();
  },

  notifyAndShutdown() {
    if (this.isShutdown) return;
    if (emitEvent(app, 'will-quit')) {
      this.isQuitting = false;
      return;
    }
    this.shutdown();
  },

  onWindowCloseCancelled() {
    if (this.isQuitting) this.isQuitting = false;
  },

  onWindowAllClosed() {
    if (this.isExiting) this.shutdown();
    else if (this.isQuitting) this.notifyAndShutdown();
    else emitEvent(app, 'window-all-closed');
  },
};
windowList.setObserver(browser);

let readyResolve;
const readyPromise = new Promise((resolve) => {
  readyResolve = resolve;
});
let name = null;
let appPath = null;

class App extends EventEmitter {
  quit() {
    uiThreadOnly('app.quit');
    browser.quit();
  }
  exit(code = 0) {
    uiThreadOnly('app.exit');
    browser.exitWithCode(Number(code) | 0);
  }
  whenReady() {
    uiThreadOnly('app.whenReady');
    return readyPromise;
  }
  isReady() {
    uiThreadOnly('app.isReady');
    return browser.isReady;
  }
  getName() {
    uiThreadOnly('app.getName');
    return name ?? 'Electron';
  }
  setName(value) {
    uiThreadOnly('app.setName');
    name = String(value);
  }
  get name() {
    return this.getName();
  }
  set name(value) {
    this.setName(value);
  }
  getAppPath() {
    uiThreadOnly('app.getAppPath');
    return appPath;
  }
  setAppPath(value) {
    uiThreadOnly('app.setAppPath');
    appPath = path.resolve(value);
  }
}

const app = new App();

/** ElectronBrowserMainParts::PreMainMessageLoopRun: Browser::WillFinishLaunching and
 *  DidFinishLaunching (called by the host, in a callback scope). */
function finishLaunching() {
  emitEvent(app, 'will-finish-launching');
  browser.isReady = true;
  readyResolve();
  emitEvent(app, 'ready', {});
}

module.exports = { app, browser, finishLaunching };
