// shell/browser/window_list.cc: every open window; tells its observer (the Browser) when
// the last one closed or a close was cancelled.
'use strict';

const windows = [];
let observer = null;

module.exports = {
  setObserver(next) {
    observer = next;
  },
  windows() {
    return [...windows];
  },
  isEmpty() {
    return windows.length === 0;
  },
  add(window) {
    windows.push(window);
  },
  remove(window) {
    const at = windows.indexOf(window);
    if (at < 0) return;
    windows.splice(at, 1);
    if (windows.length === 0) observer?.onWindowAllClosed();
  },
  closeCancelled() {
    observer?.onWindowCloseCancelled();
  },
  closeAllWindows() {
    for (const window of [...windows]) if (!window.isDestroyed()) window.close();
  },
  destroyAllWindows() {
    for (const window of [...windows]) if (!window.isDestroyed()) window.destroy();
  },
};
