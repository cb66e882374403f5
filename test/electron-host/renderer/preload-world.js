// A window's renderer as its preload sees it, for pages shown in Chromium for the
// Electron-shaped host. It runs in the page's isolated world before the page's scripts
// (contextIsolation), with Electron's renderer module (ipcRenderer, contextBridge),
// `process` and `require`. A sandboxed renderer (Electron's default) lets a preload
// require only Electron's short list (lib/sandboxed_renderer/init.ts): electron, events,
// timers, url; any other name is "module not found". Otherwise the preload gets the
// modules it requires, bundled ahead by chromium.mjs (a page has no Node; Node's own
// modules are not available here). Messages to the browser process go out through a CDP
// binding; what it sends comes in through __electronHostDeliver.
// eslint-disable-next-line no-unused-vars
function electronHostRenderer(config, modules) {
  const bridge = electronHostBridge('isolated');
  const post = globalThis[config.binding];
  delete globalThis[config.binding];
  const toBrowser = (message) => post(JSON.stringify(message));
  // IPC arguments are copied (structured clone in Electron; JSON here).
  const copy = (args) => JSON.parse(JSON.stringify(args));

  class EventEmitter {
    #listeners = new Map();
    on(name, listener) {
      if (!this.#listeners.has(name)) this.#listeners.set(name, []);
      this.#listeners.get(name).push(listener);
      return this;
    }
    addListener(name, listener) {
      return this.on(name, listener);
    }
    once(name, listener) {
      const once = (...args) => {
        this.removeListener(name, once);
        listener.apply(this, args);
      };
      once.listener = listener;
      return this.on(name, once);
    }
    removeListener(name, listener) {
      const list = this.#listeners.get(name) ?? [];
      const at = list.findIndex((l) => l === listener || l.listener === listener);
      if (at >= 0) list.splice(at, 1);
      return this;
    }
    off(name, listener) {
      return this.removeListener(name, listener);
    }
    removeAllListeners(name) {
      if (name === undefined) this.#listeners.clear();
      else this.#listeners.delete(name);
      return this;
    }
    listenerCount(name) {
      return (this.#listeners.get(name) ?? []).length;
    }
    emit(name, ...args) {
      const list = [...(this.#listeners.get(name) ?? [])];
      for (const listener of list) listener.apply(this, args);
      return list.length > 0;
    }
  }

  const ipcRenderer = new EventEmitter();
  const pending = new Map();
  let nextRequest = 1;
  ipcRenderer.send = (channel, ...args) => toBrowser({ type: 'ipc', channel: String(channel), args: copy(args) });
  ipcRenderer.invoke = (channel, ...args) =>
    new Promise((resolve, reject) => {
      const requestId = nextRequest++;
      pending.set(requestId, { channel, resolve, reject });
      toBrowser({ type: 'invoke', requestId, channel: String(channel), args: copy(args) });
    });
  ipcRenderer.sendSync = () => {
    throw new Error('electron-host: ipcRenderer.sendSync is not modelled');
  };

  globalThis.__electronHostDeliver = (message) => {
    if (message.type === 'message') {
      ipcRenderer.emit(message.channel, { sender: ipcRenderer, senderId: 0, ports: [] }, ...message.args);
    } else if (message.type === 'reply') {
      const request = pending.get(message.requestId);
      pending.delete(message.requestId);
      if (request === undefined) return;
      if ('error' in message.reply) request.reject(new Error(`Error invoking remote method '${request.channel}': ${message.reply.error}`));
      else request.resolve(message.reply.result);
    }
  };

  const exposures = [];
  let mainReady = false;
  bridge.handlers.ready = () => {
    mainReady = true;
    for (const message of exposures.splice(0)) bridge.send(message);
  };
  const contextBridge = {
    exposeInMainWorld(key, api) {
      if (!config.contextIsolation) throw new Error('contextBridge API can only be used when contextIsolation is enabled');
      const message = { op: 'expose', key: String(key), value: bridge.serialize(api) };
      if (mainReady) bridge.send(message);
      else exposures.push(message);
    },
  };
  bridge.send({ op: 'hello' });

  const electron = { ipcRenderer, contextBridge };
  const events = EventEmitter;
  events.EventEmitter = EventEmitter;
  const timers = { setTimeout, clearTimeout, setInterval, clearInterval };
  const url = { URL, URLSearchParams };
  const builtins = {
    electron,
    'electron/common': electron,
    'electron/renderer': electron,
    events,
    'node:events': events,
    timers,
    'node:timers': timers,
    url,
    'node:url': url,
  };
  const process = {
    type: 'renderer',
    versions: config.versions,
    platform: config.platform,
    env: {},
    argv: [],
    sandboxed: config.sandbox,
    contextIsolated: config.contextIsolation,
  };

  const loaded = new Map();
  function load(filename) {
    if (loaded.has(filename)) return loaded.get(filename).exports;
    const module = { id: filename, filename, exports: {}, loaded: false };
    loaded.set(filename, module);
    const dirname = filename.slice(0, filename.lastIndexOf('/'));
    modules[filename].fn.call(module.exports, module.exports, requireFrom(filename), module, filename, dirname, process);
    module.loaded = true;
    return module.exports;
  }
  function requireFrom(filename) {
    return function require(request) {
      if (Object.hasOwn(builtins, request)) return builtins[request];
      if (config.sandbox) throw new Error(`module not found: ${request}`);
      const target = modules[filename].deps[request];
      if (target === undefined) {
        throw new Error(`electron-host: require('${request}') in ${filename}: not available in this renderer (a Node module, or a require it could not resolve ahead)`);
      }
      return load(target);
    };
  }

  if (config.preload !== null) {
    try {
      load(config.preload);
    } catch (error) {
      console.error(`Unable to load preload script: ${config.preload}`);
      console.error(error);
      toBrowser({ type: 'preload-error', path: config.preload, error: String(error && error.stack ? error.stack : error) });
    }
  }
}
