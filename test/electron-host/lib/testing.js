// require('electron-host/testing'), for apps run by the tests: plays the headless page of
// a window (its IPC reaches the browser process as tasks posted from another thread),
// the user who answers dialogs, and reports to the test process. Call it on the UI
// thread (from the main greenlet), like Electron's own APIs.
'use strict';
const { binding, uiThreadOnly } = require('./electron/binding');
const { dispatchMessage, dispatchInvoke } = require('./electron/ipc-main');
const renderers = require('./electron/renderers');
const user = require('./electron/user');

/** The headless page of `webContents`: what a renderer would do, from another thread. */
function page(webContents) {
  uiThreadOnly('testing.page');
  const state = renderers.headlessPage(webContents.id);
  if (state === undefined) throw new Error('no headless page: the window is gone, or a renderer link is in use');
  return {
    /** ipcRenderer.send(channel, ...args) */
    send(channel, ...args) {
      const copy = structuredClone(args);
      binding.postTask(() => dispatchMessage(webContents, channel, copy), 0);
    },
    /** ipcRenderer.invoke(channel, ...args): settles from a task, as the reply arrives. */
    invoke(channel, ...args) {
      const copy = structuredClone(args);
      return new Promise((resolve, reject) => {
        binding.postTask(
          () =>
            dispatchInvoke(webContents, channel, copy, (reply) =>
              binding.postTask(() => {
                if ('error' in reply) reject(new Error(`Error invoking remote method '${channel}': ${reply.error}`));
                else resolve(reply.result);
              }, 0),
            ),
          0,
        );
      });
    },
    /** What webContents.send delivered so far: [[channel, ...args]]. */
    received() {
      return state.received.map((message) => [...message]);
    },
    /** `listener([channel, ...args])` for each later message; returns a function to stop. */
    onMessage(listener) {
      state.listeners.add(listener);
      return () => state.listeners.delete(listener);
    },
    /** The user clicks the window's close button. */
    clickClose() {
      binding.postTask(() => webContents.getOwnerBrowserWindow()._closeButtonClicked(), 0);
    },
  };
}

/** One line of JSON on stdout, which test/electron-host/launch.mjs collects. */
function report(event, data = {}) {
  process.stdout.write(`@report ${JSON.stringify({ event, ...data })}\n`);
}

module.exports = {
  page,
  user: {
    hold: user.hold,
    dialogs: user.dialogs,
    answer: user.answer,
    onDialog: user.onDialog,
  },
  report,
  isUiThread: () => binding.isUiThread(),
  /** A task posted from another thread after `ms` (a Chromium task calling into JS). */
  postTask: (fn, ms = 0) => binding.postTask(fn, ms),
  /**
   * Probes of where garbage-collection work runs (native/gc_probes.cc). The allocators
   * run on the UI thread only, as Electron's objects are made there.
   */
  gc: {
    /** `n` cppgc objects (gin::Wrappable stand-ins), garbage at once. */
    allocAffine: (n) => binding.allocAffine(n),
    /** `n` JavaScript wrappers of cppgc objects: garbage once dropped. */
    wrapAffine: (n) => binding.wrapAffine(n),
    /** `n` objects whose native part two-pass weak callbacks delete (gin::WrappableBase). */
    weakNatives: (n) => binding.weakNatives(n),
    /** Calls `fn` while a UI-thread C++ frame holds a cppgc object only by a raw pointer. */
    holdAndCall: (fn) => binding.holdAndCall(fn),
    /**
     * A task posted from another thread after `ms` calls `fn` the way Electron emits an
     * event on one of its objects: held by a raw pointer while fn and its microtasks run.
     */
    emitHeld: (fn, ms = 0) => binding.emitHeld(fn, ms),
    /** Where pre-finalizers, destructors, weak callbacks and collections ran ({ ui, off } each), and emitHeld's { events, dead }. */
    counts: () => binding.gcCounts(),
    /** The UI thread finishes collection work under way: 'sweep', 'pressure' or 'low-memory' (µs spent, 0 for none). */
    catchUp: (what) => binding.catchUp(what),
  },
};
