'use strict';
// "CPUs busy" mode: one busy loop per CPU competes with the case being measured, as other
// programs would on a user's machine. They are plain child processes of the suite, so on
// Linux they share its scheduling group (autogroup) with the measured processes and
// compete with them directly.
const { spawn } = require('child_process');
const os = require('os');

/** Starts one busy loop per CPU; returns a function that stops them. */
function startBusyLoops(count = os.cpus().length) {
  const loops = [];
  for (let i = 0; i < count; i++) {
    loops.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  }
  const stop = () => {
    for (const child of loops) child.kill('SIGKILL');
    process.removeListener('exit', stop);
  };
  // never left running, even when the suite fails
  process.on('exit', stop);
  return stop;
}

module.exports = { startBusyLoops };
