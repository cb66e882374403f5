// An Electron-shaped object graph for the membrane tests (test/electron-marshal.test.mjs),
// in plain Node: a BrowserWindow class with statics and a registry (getAllWindows, fromId),
// instances that are EventEmitters with getters/setters and methods that return other
// objects (webContents) and promises (loadFile), and `app`. Electron's behaviour (the
// quit sequence, IPC, dialogs, nested loops, threads) is modelled by the Electron-shaped
// host in test/electron-host/, where the Electron layer is tested.
//
// Every member checks the thread it runs on with the affine test addon: a call off the
// process's main thread is recorded in `fake.offMain` and throws, as Electron would crash.
// `fake.calls` logs what ran, with the thread id.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const affine = require('./affine-addon/build/Release/affine.node');
export const mainTid = affine.threadId();

export function createFakeElectron() {
  const calls = [];
  const offMain = [];
  function onMainThread(what) {
    const tid = affine.threadId();
    calls.push({ what, tid });
    if (tid !== mainTid) offMain.push(what);
    affine.mainThreadOnly(what); // throws "called off the main thread" elsewhere
  }

  class WebContents extends EventEmitter {
    #sent = [];
    constructor(owner) {
      onMainThread('new WebContents');
      super();
      this.owner = owner;
    }
    send(channel, ...args) {
      onMainThread('webContents.send');
      this.#sent.push([channel, ...args]);
    }
    get sent() {
      onMainThread('webContents.sent');
      return this.#sent;
    }
    on(event, listener) {
      onMainThread('webContents.on');
      return super.on(event, listener);
    }
  }

  const windows = [];
  let nextId = 1;
  class BrowserWindow extends EventEmitter {
    #title;
    static getAllWindows() {
      onMainThread('BrowserWindow.getAllWindows');
      return [...windows];
    }
    static fromId(id) {
      onMainThread('BrowserWindow.fromId');
      return windows.find((w) => w.id === id) ?? null;
    }
    /** true only for a real BrowserWindow: a proxy (or anything else) is refused. */
    static isWindow(value) {
      onMainThread('BrowserWindow.isWindow');
      return windows.includes(value);
    }
    constructor(options = {}) {
      onMainThread('new BrowserWindow');
      super();
      if (options.parent !== undefined && !windows.includes(options.parent)) {
        throw new TypeError('Error processing argument: parent must be a BrowserWindow');
      }
      this.id = nextId++;
      this.#title = options.title ?? 'untitled';
      this.parent = options.parent ?? null;
      this.webContents = new WebContents(this);
      windows.push(this);
    }
    get title() {
      onMainThread('BrowserWindow.title get');
      return this.#title;
    }
    set title(value) {
      onMainThread('BrowserWindow.title set');
      this.#title = String(value);
      // Listeners run later, from the event loop, as Electron's do.
      setImmediate(() => this.emit('page-title-updated', { sender: this }, this.#title));
    }
    getTitle() {
      onMainThread('BrowserWindow.getTitle');
      return this.#title;
    }
    loadFile(file) {
      onMainThread('BrowserWindow.loadFile');
      return new Promise((resolve, reject) => {
        setTimeout(() => {
          if (file === 'missing.html') reject(new Error(`ERR_FILE_NOT_FOUND: ${file}`));
          else resolve({ file, contents: this.webContents });
        }, 5);
      });
    }
    on(event, listener) {
      onMainThread('BrowserWindow.on');
      return super.on(event, listener);
    }
    removeListener(event, listener) {
      onMainThread('BrowserWindow.removeListener');
      return super.removeListener(event, listener);
    }
    listenerCount(event) {
      onMainThread('BrowserWindow.listenerCount');
      return super.listenerCount(event);
    }
    fail(error) {
      onMainThread('BrowserWindow.fail');
      throw error;
    }
  }

  const app = {
    get name() {
      onMainThread('app.name');
      return 'fake-app';
    },
  };

  return { calls, offMain, app, BrowserWindow, WebContents };
}
