// The demo window's preload script (contextIsolation on, nodeIntegration off): the page
// gets window.tendril with send/on/invoke for these channels only.
// sandbox is off for this window (electron/main.js) so this file may require a package;
// with the sandbox on, bundle it instead (a sandboxed preload can require only 'electron').
'use strict';
const { exposeBridge } = require('tendril/renderer');

exposeBridge({
  send: ['key', 'ready'], // keystrokes, and "my listeners are in place"
  on: ['output', 'clock', 'closed'], // text to append, the time, the end
  invoke: ['info'], // versions for the footer (handle('info') in main.js)
});
