// The host's native side (native/binding.cc), and the check every Electron API whose
// implementation is C++ makes first: off the UI thread the process dies, as Chromium's
// CHECK(base::SingleThreadTaskRunner::HasCurrentDefault()) kills Electron.
'use strict';
const binding = process._linkedBinding('electron_host');

/** Kills the process unless called on the UI thread. */
function uiThreadOnly(what) {
  binding.checkUiThread(what);
}

module.exports = { binding, uiThreadOnly };
