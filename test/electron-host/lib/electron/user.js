// The person at the screen, who answers dialogs. By default every dialog is answered
// as soon as it shows, with its default (defaultId, else the cancel button), by a task
// posted from another thread. Tests take over through
// electron-host/testing: hold dialogs open and answer each when they choose.
'use strict';
const { binding } = require('./binding');

const open = [];
const watchers = new Set();
let holding = false;

function defaultAnswer(dialog) {
  const { defaultId, cancelId, buttons = [] } = dialog.options;
  return { response: defaultId ?? cancelId ?? (buttons.length > 1 ? buttons.length - 1 : 0), checkboxChecked: false };
}

/** A dialog is on screen; `respond(answer)` runs (in a UI task) once the user answers. */
function present(kind, options, respond) {
  const dialog = { kind, options, respond };
  open.push(dialog);
  process.stderr.write(`[dialog] ${kind}: ${options.title ?? ''} ${options.message ?? ''} ${options.detail ?? ''}\n`);
  for (const watcher of watchers) watcher({ kind, options });
  if (!holding) answer(dialog, defaultAnswer(dialog));
}

function answer(dialog, value) {
  binding.postTask(() => {
    const at = open.indexOf(dialog);
    if (at < 0) return;
    open.splice(at, 1);
    dialog.respond({ ...defaultAnswer(dialog), ...value });
  }, 0);
}

module.exports = {
  present,
  /** Dialogs stay open until answer() from now on. */
  hold() {
    holding = true;
  },
  /** What is on screen: [{ kind, options }], oldest first. */
  dialogs() {
    return open.map(({ kind, options }) => ({ kind, options }));
  },
  /** Answers the oldest open dialog (merged over its default answer). */
  answer(value = {}) {
    if (open.length === 0) throw new Error('no dialog is open');
    answer(open[0], value);
  },
  /** `watcher({ kind, options })` whenever a dialog shows; returns a function to stop. */
  onDialog(watcher) {
    watchers.add(watcher);
    return () => watchers.delete(watcher);
  },
};
