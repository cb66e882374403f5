// How Electron's C++ emits events (gin_helper::EventEmitter::Emit): a fresh Event object
// first (preventDefault(), defaultPrevented), `target.emit(name, event, ...args)` inside a
// node::CallbackScope through node::MakeCallback (binding.emit, native).
'use strict';
const { binding } = require('./binding');

function createEvent(properties = {}) {
  let prevented = false;
  return Object.assign(
    {
      preventDefault() {
        prevented = true;
      },
      get defaultPrevented() {
        return prevented;
      },
    },
    properties,
  );
}

/** Emits `name` with a new Event and `args`; returns whether a listener prevented it. */
function emitEvent(target, name, ...args) {
  const event = createEvent();
  binding.emit(target, name, event, ...args);
  return event.defaultPrevented;
}

/** Emits with a prepared event (IPC events carry sender, reply channel...). */
function emitWith(target, name, event, ...args) {
  binding.emit(target, name, event, ...args);
  return event.defaultPrevented;
}

/** EmitWithoutEvent: `target.emit(name, ...args)`. */
function emitPlain(target, name, ...args) {
  binding.emit(target, name, ...args);
}

module.exports = { createEvent, emitEvent, emitWith, emitPlain };
