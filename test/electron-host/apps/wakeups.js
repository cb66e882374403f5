// Failure 1 of issue 10: what happens to other greenlets while the main greenlet serves a
// marshalled call. G2 calls a sync dialog through `ui`: onMain() runs it on the UI thread,
// where it runs a nested loop until the user answers. Meanwhile something wakes G1 (its
// sleep's timer fires, an IPC message or a channel send reaches what it receives from,
// it is killed) or a new greenlet is spawned. Nothing may be lost, delivered twice, or
// raise in another greenlet; it happens once the call has returned.
//
// An IPC listener switches to G2 directly (after starting G1 for the timer scenario, so
// G1 is asleep before the dialog opens). That is where a nested loop runs the most: libuv
// keeps running (not so inside UvRunOnce, whose embed thread waits for it), and
// microtasks run between timers (Node's runNextTicks; not inside a microtask, where V8
// refuses a nested checkpoint): the scenarios that wake through a microtask fire two
// timers at once.
// Run as: host wakeups.js <timer|ipc|channel|kill|spawn>.
'use strict';
const { app, BrowserWindow, ipcMain } = require('electron');
const { Channel, Greenlet, sleep, spawn } = require('tendril');
const { ipcChannel, ui } = require('tendril/electron');
const { report, describe, testing, runScenario } = require('./kit');

function inDialog(variant) {
  testing.user.hold();
  const woke = [];
  const data = new Channel();
  let page = null;
  let spawned = null;
  // Runs the next microtasks inside the nested loop, then the user answers.
  const drainThenAnswer = () => {
    setTimeout(() => {}, 2);
    setTimeout(() => testing.user.answer({ response: 1 }), 2);
  };
  let g1;
  if (variant === 'timer') {
    g1 = new Greenlet(() => {
      sleep(1);
      woke.push('slept');
    });
  } else {
    g1 = spawn(() => {
      const fromPage = ipcChannel('data');
      try {
        if (variant === 'ipc') woke.push(fromPage.receive());
        else if (variant === 'channel') woke.push(data.receive());
        else if (variant === 'kill') sleep(60_000);
      } finally {
        woke.push('G1 finally');
      }
    });
  }
  const g2 = new Greenlet(() => {
    const response = ui.dialog.showMessageBoxSync({ message: 'during', buttons: ['no', 'yes'] });
    report('dialog returned', { response });
    sleep(0);
    report('after', { g1: g1.dead, spawned: spawned?.dead ?? null, woke });
    ui.app.quit();
  });
  ipcMain.on('go', () => {
    if (variant === 'timer') g1.switch();
    g2.switch();
  });
  testing.user.onDialog(() => {
    // Inside the marshalled call.
    report('dialog open');
    try {
      if (variant === 'timer') {
        setTimeout(() => testing.user.answer({ response: 1 }), 5); // after G1's timer
      } else if (variant === 'ipc') {
        ipcMain.on('data', drainThenAnswer);
        page.send('data', 'from the page');
      } else if (variant === 'channel') {
        data.send('from a listener');
        drainThenAnswer();
      } else if (variant === 'kill') {
        g1.kill();
        drainThenAnswer();
      } else if (variant === 'spawn') {
        spawned = spawn(() => woke.push('spawned ran'));
        drainThenAnswer();
      }
    } catch (error) {
      report('trigger threw', { error: describe(error) });
      testing.user.answer({ response: 1 });
    }
  });
  app.whenReady().then(() => {
    page = testing.page(new BrowserWindow().webContents);
    setTimeout(() => page.send('go'), 1); // G1 waits by then
  });
}

runScenario({
  timer: () => inDialog('timer'),
  ipc: () => inDialog('ipc'),
  channel: () => inDialog('channel'),
  kill: () => inDialog('kill'),
  spawn: () => inDialog('spawn'),
});
