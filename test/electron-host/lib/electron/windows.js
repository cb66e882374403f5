// BrowserWindow and WebContents. Their methods are C++ in Electron: each checks the UI
// thread first. Events come the way Electron's come:
//
//   load:    webContents.loadURL/loadFile return a promise settled by 'did-finish-load'
//            or 'did-fail-load' (lib/browser/api/web-contents.ts), which the renderer
//            reports from another thread.
//   close(): 'close' (preventable; preventing it cancels a quit in progress), then the
//            page unloads (the renderer's answer is a task), then 'closed', and the
//            window leaves the window list (the last one: Browser::OnWindowAllClosed).
//   destroy(): no 'close', no unload: 'closed' at once, inside the call (app.exit()).
'use strict';
const { EventEmitter } = require('node:events');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { uiThreadOnly } = require('./binding');
const { emitEvent } = require('./events');
const { app } = require('./app');
const { IpcMainImpl, addIpcDispatchListeners, dispatchMessage, dispatchInvoke } = require('./ipc-main');
const renderers = require('./renderers');
const windowList = require('./window-list');

const allContents = new Map();
let nextContentsId = 1;
let nextWindowId = 1;

function destroyedError() {
  return new TypeError('Object has been destroyed');
}

class WebContents extends EventEmitter {
  #id = nextContentsId++;
  #url = '';
  #destroyed = false;
  #owner;

  constructor(owner, webPreferences) {
    uiThreadOnly('new WebContents');
    super();
    this.#owner = owner;
    this.ipc = new IpcMainImpl();
    addIpcDispatchListeners(this);
    allContents.set(this.#id, this);
    const preferences = {
      preload: webPreferences.preload === undefined ? null : path.resolve(String(webPreferences.preload)),
      // Electron 20+: sandboxed unless nodeIntegration is on or sandbox is false.
      sandbox: webPreferences.sandbox ?? webPreferences.nodeIntegration !== true,
      contextIsolation: webPreferences.contextIsolation ?? true,
      nodeIntegration: webPreferences.nodeIntegration ?? false,
    };
    renderers.create(this.#id, preferences);
  }

  get id() {
    return this.#id;
  }

  getProcessId() {
    uiThreadOnly('webContents.getProcessId');
    return 100 + this.#id;
  }

  loadURL(url) {
    uiThreadOnly('webContents.loadURL');
    if (this.#destroyed) throw destroyedError();
    const loaded = new Promise((resolve, reject) => {
      const cleanup = () => {
        this.removeListener('did-finish-load', finish);
        this.removeListener('did-fail-load', fail);
      };
      const finish = () => {
        cleanup();
        resolve();
      };
      const fail = (_event, errorCode, errorDescription, validatedURL) => {
        cleanup();
        const error = new Error(`${errorDescription} (${errorCode}) loading '${validatedURL}'`);
        Object.assign(error, { errno: errorCode, code: errorDescription, url: validatedURL });
        reject(error);
      };
      this.on('did-finish-load', finish);
      this.on('did-fail-load', fail);
    });
    this.#url = String(url);
    renderers.load(this.#id, this.#url);
    return loaded;
  }

  loadFile(file) {
    uiThreadOnly('webContents.loadFile');
    if (typeof file !== 'string') throw new TypeError('Must pass filePath as a string');
    return this.loadURL(pathToFileURL(path.resolve(app.getAppPath(), file)).href);
  }

  getURL() {
    uiThreadOnly('webContents.getURL');
    return this.#url;
  }

  send(channel, ...args) {
    uiThreadOnly('webContents.send');
    if (this.#destroyed) throw destroyedError();
    if (typeof channel !== 'string') throw new TypeError('Missing required channel argument');
    renderers.send(this.#id, channel, args);
  }

  isDestroyed() {
    uiThreadOnly('webContents.isDestroyed');
    return this.#destroyed;
  }

  getOwnerBrowserWindow() {
    uiThreadOnly('webContents.getOwnerBrowserWindow');
    return this.#owner;
  }

  /** @internal the window went away */
  _destroy() {
    if (this.#destroyed) return;
    this.#destroyed = true;
    allContents.delete(this.#id);
    renderers.destroy(this.#id);
    emitEvent(this, 'destroyed');
  }
}

class BrowserWindow extends EventEmitter {
  #id = nextWindowId++;
  #title;
  #destroyed = false;
  #closing = false;

  static getAllWindows() {
    uiThreadOnly('BrowserWindow.getAllWindows');
    return windowList.windows();
  }

  static fromId(id) {
    uiThreadOnly('BrowserWindow.fromId');
    return windowList.windows().find((window) => window.id === id) ?? null;
  }

  static fromWebContents(webContents) {
    uiThreadOnly('BrowserWindow.fromWebContents');
    return windowList.windows().find((window) => window.webContents === webContents) ?? null;
  }

  constructor(options = {}) {
    uiThreadOnly('new BrowserWindow');
    super();
    this.#title = options.title ?? app.getName();
    this.webContents = new WebContents(this, options.webPreferences ?? {});
    windowList.add(this);
    emitEvent(app, 'browser-window-created', this);
    emitEvent(app, 'web-contents-created', this.webContents);
  }

  get id() {
    return this.#id;
  }

  loadURL(url) {
    uiThreadOnly('BrowserWindow.loadURL');
    return this.webContents.loadURL(url);
  }

  loadFile(file) {
    uiThreadOnly('BrowserWindow.loadFile');
    return this.webContents.loadFile(file);
  }

  getTitle() {
    uiThreadOnly('BrowserWindow.getTitle');
    return this.#title;
  }

  setTitle(title) {
    uiThreadOnly('BrowserWindow.setTitle');
    this.#title = String(title);
  }

  setMenuBarVisibility(visible) {
    uiThreadOnly('BrowserWindow.setMenuBarVisibility');
    if (typeof visible !== 'boolean') throw new TypeError('Error processing argument at index 0, conversion failure');
  }

  isDestroyed() {
    uiThreadOnly('BrowserWindow.isDestroyed');
    return this.#destroyed;
  }

  /** Like a click on the window's close button: asks first ('close', the page's unload). */
  close() {
    uiThreadOnly('BrowserWindow.close');
    if (this.#destroyed || this.#closing) return;
    this.#closing = true;
    renderers.later(() => this._closeButtonClicked());
  }

  destroy() {
    uiThreadOnly('BrowserWindow.destroy');
    if (this.#destroyed) return;
    this._closed();
  }

  /** @internal NativeWindow::NotifyWindowCloseButtonClicked */
  _closeButtonClicked() {
    this.#closing = false;
    if (this.#destroyed) return;
    if (emitEvent(this, 'close')) {
      windowList.closeCancelled();
      return;
    }
    this.#closing = true;
    renderers.close(this.webContents.id);
  }

  /** @internal BaseWindow::OnWindowClosed, then WindowList::RemoveWindow */
  _closed() {
    if (this.#destroyed) return;
    this.#destroyed = true;
    emitEvent(this, 'closed');
    this.webContents._destroy();
    windowList.remove(this);
  }
}

function windowOf(contentsId) {
  const contents = allContents.get(contentsId);
  return contents === undefined ? undefined : contents.getOwnerBrowserWindow();
}

renderers.setHandlers({
  loaded(id, error) {
    const contents = allContents.get(id);
    if (contents === undefined) return;
    if (error === null) {
      emitEvent(contents, 'dom-ready');
      emitEvent(contents, 'did-finish-load');
    } else {
      emitEvent(contents, 'did-fail-load', error.code, error.description, contents.getURL(), true);
    }
  },
  message(id, channel, args) {
    const contents = allContents.get(id);
    if (contents !== undefined) dispatchMessage(contents, channel, args);
  },
  invoke(id, channel, args, reply) {
    const contents = allContents.get(id);
    if (contents !== undefined) dispatchInvoke(contents, channel, args, reply);
  },
  unloaded(id) {
    windowOf(id)?._closed();
  },
  closeRequested(id) {
    windowOf(id)?._closeButtonClicked();
  },
  preloadError(id, preloadPath, error) {
    const contents = allContents.get(id);
    if (contents !== undefined) emitEvent(contents, 'preload-error', preloadPath, new Error(error));
  },
});

const webContents = {
  fromId(id) {
    uiThreadOnly('webContents.fromId');
    return allContents.get(id);
  },
};

module.exports = { BrowserWindow, WebContents, webContents };
