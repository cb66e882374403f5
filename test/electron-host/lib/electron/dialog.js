// dialog (message boxes): showMessageBoxSync runs a nested run loop until the user answers
// (base::RunLoop(kNestableTasksAllowed), gtk_dialog_run on Linux): timers, IPC and
// UvRunOnce run inside the call. showMessageBox returns a promise the answer settles.
// showErrorBox before 'ready' prints to stderr; after, it is a sync message box.
'use strict';
const { binding, uiThreadOnly } = require('./binding');
const { browser } = require('./app');
const user = require('./user');

/** The optional leading BrowserWindow argument. */
function optionsOf(args) {
  return (args.length > 1 ? args[1] : args[0]) ?? {};
}

function runModal(kind, options) {
  let answer = null;
  user.present(kind, options, (value) => {
    answer = value;
  });
  binding.runNestedLoop(() => answer !== null);
  return answer;
}

function showAsync(kind, options) {
  return new Promise((resolve) => user.present(kind, options, resolve));
}

const dialog = {
  showErrorBox(title, content) {
    uiThreadOnly('dialog.showErrorBox');
    if (!browser.isReady) {
      process.stderr.write(`${title}\n${content}\n`);
      return;
    }
    runModal('error', { title: 'Error', message: String(title), detail: String(content) });
  },
  showMessageBoxSync(...args) {
    uiThreadOnly('dialog.showMessageBoxSync');
    return runModal('message', optionsOf(args)).response;
  },
  showMessageBox(...args) {
    uiThreadOnly('dialog.showMessageBox');
    return showAsync('message', optionsOf(args));
  },
};

module.exports = { dialog };
