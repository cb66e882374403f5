// The renderer processes, seen from the browser process. With a renderer link (the
// process that started this host plays Chromium: test/electron-host/chromium.mjs shows
// each window's page in Chromium, runs its preload and carries its IPC), messages go over
// the link. Without one, each window has a headless renderer: its page loads at once and
// runs no script; tests play the page through electron-host/testing.
//
// Whatever a renderer sends (load finished, IPC, the page closed) reaches the browser
// process as a UI task posted from another thread, as IPC does in Electron: from the link
// reader thread, or from the host's timer thread for headless renderers.
'use strict';
const fs = require('node:fs');
const { fileURLToPath } = require('node:url');
const { binding } = require('./binding');

const linked = binding.hasLink();
const headless = new Map();
let handlers = null;

function toLink(message) {
  binding.linkSend(JSON.stringify(message));
}

/** From a renderer, on the UI thread. */
function fromRenderer(message) {
  const { type, id } = message;
  if (type === 'did-finish-load') handlers.loaded(id, null);
  else if (type === 'did-fail-load') handlers.loaded(id, message.error);
  else if (type === 'ipc') handlers.message(id, message.channel, message.args);
  else if (type === 'invoke') handlers.invoke(id, message.channel, message.args, (reply) => toLink({ type: 'reply', id, requestId: message.requestId, reply }));
  else if (type === 'unloaded') handlers.unloaded(id);
  else if (type === 'close-requested') handlers.closeRequested(id);
  else if (type === 'preload-error') handlers.preloadError(id, message.path, message.error);
}

/** Posts `fn` as a UI task from another thread (a headless renderer's message). */
function later(fn) {
  binding.postTask(fn, 0);
}

module.exports = {
  linked,
  setHandlers(next) {
    handlers = next;
  },
  fromRenderer,
  create(id, preferences) {
    if (linked) toLink({ type: 'create', id, preferences });
    else headless.set(id, { received: [], listeners: new Set() });
  },
  load(id, url) {
    if (linked) return toLink({ type: 'load', id, url });
    let error = null;
    if (url.startsWith('file:') && !fs.existsSync(fileURLToPath(url))) error = { code: -6, description: 'ERR_FILE_NOT_FOUND' };
    later(() => handlers.loaded(id, error));
  },
  send(id, channel, args) {
    if (linked) return toLink({ type: 'message', id, channel, args });
    const page = headless.get(id);
    if (page === undefined) return;
    const message = structuredClone([channel, ...args]);
    page.received.push(message);
    for (const listener of page.listeners) listener(message);
  },
  /** The page runs its unload handlers and goes (win.close()). */
  close(id) {
    if (linked) toLink({ type: 'close', id });
    else later(() => handlers.unloaded(id));
  },
  /** The page is gone for good (the window was destroyed). */
  destroy(id) {
    if (linked) toLink({ type: 'destroy', id });
    else headless.delete(id);
  },
  /** electron-host/testing: the headless page of webContents `id`. */
  headlessPage(id) {
    return headless.get(id);
  },
  later,
};
