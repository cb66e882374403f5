// ipcMain (lib/browser/ipc-main-impl.ts) and the dispatch of renderer messages
// (lib/browser/ipc-dispatch.ts). The C++ side emits '-ipc-message' / '-ipc-invoke' on the
// WebContents (EmitWithSender, in a callback scope); the listeners below pass them on
// to webContents.ipc and ipcMain, and reply to an invoke once the handler's promise
// settles, through the event's reply channel, which is native: UI thread only.
'use strict';
const { EventEmitter } = require('node:events');
const { uiThreadOnly } = require('./binding');
const { createEvent, emitWith } = require('./events');

class IpcMainImpl extends EventEmitter {
  _invokeHandlers = new Map();

  constructor() {
    super();
    // "Do not throw exception when channel name is "error"."
    this.on('error', () => {});
  }

  handle(method, fn) {
    if (this._invokeHandlers.has(method)) {
      throw new Error(`Attempted to register a second handler for '${method}'`);
    }
    if (typeof fn !== 'function') {
      throw new TypeError(`Expected handler to be a function, but found type '${typeof fn}'`);
    }
    this._invokeHandlers.set(method, fn);
  }

  removeHandler(method) {
    this._invokeHandlers.delete(method);
  }
}

const ipcMain = new IpcMainImpl();

function addIpcDispatchListeners(webContents) {
  webContents.on('-ipc-message', function (event, channel, args) {
    event.reply = (replyChannel, ...replyArgs) => event.sender.send(replyChannel, ...replyArgs);
    event.sender.emit('ipc-message', event, channel, ...args);
    for (const emitter of [event.sender.ipc, ipcMain]) emitter.emit(channel, event, ...args);
  });
  webContents.on('-ipc-invoke', async function (event, channel, args) {
    const replyWithResult = (result) => event._replyChannel.sendReply({ result });
    const replyWithError = (error) => {
      console.error(`Error occurred in handler for '${channel}':`, error);
      event._replyChannel.sendReply({ error: error.toString() });
    };
    const target = [event.sender.ipc, ipcMain].find((emitter) => emitter._invokeHandlers.has(channel));
    if (target) {
      const handler = target._invokeHandlers.get(channel);
      try {
        replyWithResult(await Promise.resolve(handler(event, ...args)));
      } catch (err) {
        replyWithError(err);
      }
    } else {
      replyWithError(new Error(`No handler registered for '${channel}'`));
    }
  });
}

function frameEvent(webContents) {
  return createEvent({ type: 'frame', sender: webContents, processId: webContents.getProcessId(), frameId: 1 });
}

/** WebContents::Message: a renderer's ipcRenderer.send arrived (UI task). */
function dispatchMessage(webContents, channel, args) {
  emitWith(webContents, '-ipc-message', frameEvent(webContents), channel, args);
}

/** WebContents::Invoke: a renderer's ipcRenderer.invoke arrived; `reply` takes
 *  { result } or { error } back to it. */
function dispatchInvoke(webContents, channel, args, reply) {
  const event = frameEvent(webContents);
  let replied = false;
  // gin_helper::internal::ReplyChannel
  event._replyChannel = {
    sendReply(value) {
      uiThreadOnly('ReplyChannel.sendReply');
      if (replied) return false;
      replied = true;
      reply(structuredClone(value));
      return true;
    },
  };
  emitWith(webContents, '-ipc-invoke', event, channel, args);
}

module.exports = { ipcMain, IpcMainImpl, addIpcDispatchListeners, dispatchMessage, dispatchInvoke };
