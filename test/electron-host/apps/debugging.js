// Debugging and profiling a greenlet in the Electron-shaped host, where the main
// greenlet is the UI thread that holds V8 for good (test/electron-host.test.mjs drives it
// over the inspector; lines it stops at carry a marker comment, // @name).
// Run as: host [--inspect-brk=0] debugging.js <scenario>.
'use strict';
const { configure, listGreenlets, sleep } = require('tendril');
const { appLoop, ui } = require('tendril/electron');
const { report, runScenario } = require('./kit');

function busy(ms) {
  const until = Date.now() + ms;
  let n = 0;
  while (Date.now() < until) n++;
  return n;
}

runScenario({
  // A debugger statement in the app greenlet, then lines that switch to the UI thread:
  // a marshalled call (an Electron API) and a sleep().
  breakpoint() {
    appLoop(function appMain() {
      const title = 'debugged';
      debugger; // @host-debugger
      const win = new ui.BrowserWindow({ title }); // @host-ui
      sleep(5); // @host-sleep
      report('done', { title: win.getTitle() }); // @host-after
    });
  },

  // CPU work in the app greenlet while a profiler records; the app stays until ended.
  profile() {
    appLoop(function appMain() {
      let ms = 0;
      for (let i = 0; i < 20; i++) {
        const start = Date.now();
        workInGreenlet(50);
        ms += Date.now() - start;
        sleep(1);
      }
      report('worked', { ms });
      sleep(120_000);
    });
  },

  // A greenlet holding the UI thread's turn is reported with its stack, once configured:
  // a packaged app (no process.defaultApp) has the reports off by default (freeze-default).
  freeze() {
    configure({ maxBlockingTime: 200 });
    freezeTheUi();
  },
  'freeze-default'() {
    freezeTheUi();
  },
});

function freezeTheUi() {
  appLoop(function freezesTheUi() {
    const listed = listGreenlets().map((info) => [info.greenlet.isMain ? 'main' : 'app', info.state, info.stack.split('\n')[0].trim()]);
    report('listed', { listed });
    busy(1500);
  });
}

function workInGreenlet(ms) {
  return busy(ms);
}
