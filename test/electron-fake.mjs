// A stand-in for Electron's main-process module, for the Electron-layer tests (Electron
// itself cannot run here). Its shape follows Electron's: a BrowserWindow class with
// statics and a registry (getAllWindows, fromId), instances that are EventEmitters with
// getters/setters and methods that return other objects (webContents) and promises
// (loadFile), an `app` with whenReady/quit/exit and the quit events, ipcMain with
// on/handle, dialog.showErrorBox.
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
    #destroyed = false;
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
    isDestroyed() {
      onMainThread('BrowserWindow.isDestroyed');
      return this.#destroyed;
    }
    close() {
      onMainThread('BrowserWindow.close');
      setImmediate(() => {
        this.#destroyed = true;
        windows.splice(windows.indexOf(this), 1);
        this.emit('closed');
        if (windows.length === 0) app.emit('window-all-closed');
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

  class App extends EventEmitter {
    #ready = false;
    #readyPromise = null;
    #quitting = false;
    exitCode = null;
    log = [];
    whenReady() {
      onMainThread('app.whenReady');
      this.#readyPromise ??= new Promise((resolve) =>
        setTimeout(() => {
          this.#ready = true;
          this.log.push('ready');
          this.emit('ready');
          resolve();
        }, 10),
      );
      return this.#readyPromise;
    }
    isReady() {
      onMainThread('app.isReady');
      return this.#ready;
    }
    get name() {
      onMainThread('app.name');
      return 'fake-app';
    }
    // Electron's order: before-quit, then will-quit (preventable), then quit and exit.
    quit() {
      onMainThread('app.quit');
      this.log.push('quit()');
      setImmediate(() => {
        if (this.exitCode !== null) return;
        const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
        this.emit('before-quit', event);
        if (event.defaultPrevented) return;
        const willQuit = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
        this.emit('will-quit', willQuit);
        if (willQuit.defaultPrevented) {
          this.log.push('quit prevented');
          return;
        }
        this.exitCode = 0;
        this.log.push('exit 0');
        this.emit('quit', {}, 0);
      });
    }
    exit(code = 0) {
      onMainThread('app.exit');
      if (this.exitCode !== null) return;
      this.exitCode = code;
      this.log.push(`exit ${code}`);
    }
    on(event, listener) {
      onMainThread('app.on');
      return super.on(event, listener);
    }
    removeListener(event, listener) {
      onMainThread('app.removeListener');
      return super.removeListener(event, listener);
    }
  }
  const app = new App();
  app.on('window-all-closed', () => app.quit()); // what an app without its own listener gets

  class IpcMain extends EventEmitter {
    #handlers = new Map();
    on(channel, listener) {
      onMainThread('ipcMain.on');
      return super.on(channel, listener);
    }
    removeListener(channel, listener) {
      onMainThread('ipcMain.removeListener');
      return super.removeListener(channel, listener);
    }
    handle(channel, handler) {
      onMainThread('ipcMain.handle');
      if (this.#handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      this.#handlers.set(channel, handler);
    }
    removeHandler(channel) {
      onMainThread('ipcMain.removeHandler');
      this.#handlers.delete(channel);
    }
    hasHandler(channel) {
      return this.#handlers.has(channel);
    }
    /** What a renderer's ipcRenderer.send does, seen from the main process. */
    deliver(channel, sender, ...args) {
      onMainThread('ipcMain.deliver');
      this.emit(channel, { sender, reply: (...a) => sender.send(`${channel}-reply`, ...a) }, ...args);
    }
    /** What a renderer's ipcRenderer.invoke does: the handler's result, as a promise. */
    async invoke(channel, sender, ...args) {
      onMainThread('ipcMain.invoke');
      const handler = this.#handlers.get(channel);
      if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
      return await handler({ sender }, ...args);
    }
  }
  const ipcMain = new IpcMain();

  const dialog = {
    shown: [],
    showErrorBox(title, content) {
      onMainThread('dialog.showErrorBox');
      this.shown.push({ title, content });
    },
  };

  return { calls, offMain, app, BrowserWindow, WebContents, ipcMain, dialog };
}
