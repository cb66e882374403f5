// The demo's app logic: python-greenlet's motivation example grown up. A terminal window
// sends keystrokes; processCommands() is a plain synchronous loop that calls
// readNextChar() and runs commands. It runs in a greenlet, so every wait in it (the next
// key, `sleep`, a file read) parks only this greenlet: the event loop, the window and the
// clock stay live.
//
// The logic talks to a small host interface, so the same code runs in Electron
// (electron/main.js: BrowserWindow + preload + IPC) and in a browser (browser/server.js:
// HTTP + WebSocket):
//
//   host.name            'electron' | 'browser'
//   host.keys            a tendril Channel of what the page sends: typed or pasted text,
//                        '\n' for Enter, '\b' for Backspace, escape sequences for the
//                        arrows, Home, End, Delete (closed when the window goes away)
//   host.send(ch, ...a)  a message to the page: 'output' (text to write, with the few
//                        terminal controls of line-editor.js), 'clock' (the time to
//                        show), 'closed'
//   host.quit()          called after "Bye!", before runSession returns (optional)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Greenlet, GreenletError, ChannelClosed, blocking, getCurrent, listGreenlets, sleep, spawn, stats } = require('tendril');
const { LineEditor, keyAt } = require('./line-editor');

const FILES = path.join(__dirname, '..', 'files');
const readdir = blocking(fs.promises.readdir);
const readFile = blocking(fs.promises.readFile);
const stat = blocking(fs.promises.stat);

const HELP = `Commands:
  help          this list
  echo TEXT     prints TEXT
  sleep N       waits N seconds; the clock keeps ticking meanwhile
  ls [DIR]      lists the demo's files
  cat FILE      prints a file
  ask           a few questions, written as plain sequential code
  greenlets     the greenlets of this session and what each is doing
  quit          leaves (asks first)
`;

/** Thrown by readNextChar() when the window went away (the key channel closed). */
class WindowClosed extends Error {}

/** What the app knows about its greenlets: a name and what each one is doing. */
class Registry {
  #entries = [];
  add(name, greenlet, doing = '') {
    this.#entries.push({ name, greenlet, doing });
  }
  /** Runs fn with `what` recorded as what the current greenlet is doing. */
  doing(what, fn) {
    const entry = this.#entries.find((e) => e.greenlet === getCurrent());
    const before = entry?.doing;
    if (entry) entry.doing = what;
    try {
      return fn();
    } finally {
      if (entry) entry.doing = before;
    }
  }
  rows() {
    const current = getCurrent();
    const main = { name: 'main', greenlet: Greenlet.main, doing: 'runs the event loop (IPC, timers, the window)' };
    return [main, ...this.#entries].map(({ name, greenlet, doing }) => ({
      name,
      greenlet,
      state:
        greenlet === current ? 'running' : greenlet.dead ? 'dead' : greenlet.started ? 'suspended' : 'not started',
      doing: greenlet === current ? 'this command' : greenlet.dead ? '' : doing,
    }));
  }
}

function pad(text, width) {
  return text.length >= width ? `${text} ` : text + ' '.repeat(width - text.length);
}

function clockText(date = new Date()) {
  return date.toTimeString().slice(0, 8);
}

/** What the page shows at the bottom (answered through handle('info')). */
function info(hostName) {
  const pkg = JSON.parse(readFile(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  return {
    host: hostName,
    tendril: pkg.version,
    node: process.versions.node,
    electron: process.versions.electron ?? null,
    pid: process.pid,
  };
}

/**
 * Runs one terminal session in the calling greenlet until the user quits (returns
 * 'quit') or the window goes away (returns 'closed'). Starts a clock greenlet of its own
 * and stops it on the way out.
 */
function runSession(host, { filesDir = FILES } = {}) {
  const registry = new Registry();
  registry.add('commands', getCurrent(), 'this command');
  const write = (text) => host.send('output', text);

  // --- The clock: another greenlet, ticking on the second while commands run ---------
  const clock = spawn(() => {
    for (;;) {
      host.send('clock', clockText());
      registry.doing('sleep() until the next second', () => sleep(1000 - (Date.now() % 1000) + 5));
    }
  });
  registry.add('clock', clock.greenlet, 'starting');

  // --- read_next_char(): waits in this greenlet only -----------------------------------
  // What the page sent and this loop has not read yet: typed text, pasted text (many
  // lines at once), escape sequences of the arrow keys.
  let pending = '';
  let at = 0;
  /** The next key: one grapheme, or a whole escape sequence (see line-editor.js). */
  function readKey() {
    while (at === pending.length) {
      try {
        pending = registry.doing('waiting for a key (Channel.receive)', () => host.keys.receive());
        at = 0;
      } catch (error) {
        if (error instanceof ChannelClosed) throw new WindowClosed('the window went away');
        throw error;
      }
    }
    const { key, length } = keyAt(pending, at);
    at += length;
    return key;
  }

  /** python-greenlet's read_next_char(): the next character typed (keys that are not
   *  characters, such as the arrows, are skipped). */
  function readNextChar() {
    for (;;) {
      const key = readKey();
      if (!key.startsWith('\x1b')) return key;
    }
  }

  /** Reads a line after `prompt`, with line editing (and Up/Down through `history`). */
  function readLine(prompt, history = null) {
    write(prompt);
    const editor = new LineEditor(history);
    for (;;) {
      // The echo: this loop owns the screen, like a terminal's remote echo.
      const { draw, line } = editor.key(readKey());
      if (draw !== '') write(draw);
      if (line !== undefined) return line;
    }
  }

  // --- The commands ---------------------------------------------------------------------
  function inFiles(name) {
    const full = path.resolve(filesDir, name);
    if (full !== filesDir && !full.startsWith(filesDir + path.sep)) return null;
    return full;
  }

  function ls(args) {
    const dir = inFiles(args[0] ?? '.');
    if (dir === null) return write(`ls: ${args[0]}: outside the demo's files\n`);
    let names;
    try {
      names = registry.doing('readdir (blocking)', () => readdir(dir, { withFileTypes: true }));
    } catch (error) {
      return write(`ls: ${args[0] ?? '.'}: ${error.code === 'ENOENT' ? 'no such directory' : error.code ?? error.message}\n`);
    }
    for (const entry of names.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory()) write(`${entry.name}/\n`);
      else write(`${pad(entry.name, 20)}${stat(path.join(dir, entry.name)).size} bytes\n`);
    }
  }

  function cat(args) {
    if (args.length === 0) return write('cat: which file? (try: cat hello.txt)\n');
    const file = inFiles(args[0]);
    if (file === null) return write(`cat: ${args[0]}: outside the demo's files\n`);
    try {
      const text = registry.doing('readFile (blocking)', () => readFile(file, 'utf8'));
      write(text.endsWith('\n') ? text : `${text}\n`);
    } catch (error) {
      const why = error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'is a directory' : error.message;
      write(`cat: ${args[0]}: ${why}\n`);
    }
  }

  function sleepCommand(args) {
    const seconds = Number(args[0]);
    if (args.length !== 1 || !Number.isFinite(seconds) || seconds < 0 || seconds > 60) {
      return write('sleep: give a number of seconds from 0 to 60 (sleep 2)\n');
    }
    write(`Sleeping ${seconds} s; the clock keeps ticking...\n`);
    registry.doing(`sleep(${seconds * 1000})`, () => sleep(seconds * 1000));
    write(`Slept ${seconds} s.\n`);
  }

  // A dialogue as plain sequential code: each answer is a function call that returns.
  function ask() {
    let name = '';
    while (name === '') name = readLine('What is your name? ').trim();
    const colour = readLine(`Hello, ${name}! What is your favourite colour? `).trim() || 'no colour';
    let number;
    for (;;) {
      number = Number(readLine('Pick a number from 1 to 10: ').trim());
      if (Number.isInteger(number) && number >= 1 && number <= 10) break;
      write('That is not a number from 1 to 10. ');
    }
    write(`${name} likes ${colour}, and ${number} squared is ${number * number}.\n`);
  }

  // What each greenlet is doing, and where it is: the innermost frame of its JavaScript
  // stack (tendril's listGreenlets() reads a parked greenlet's stack from its own thread).
  function greenlets() {
    const live = new Map(listGreenlets().map((info) => [info.greenlet, info]));
    const where = (info) => {
      const frame = info.stack.split('\n')[0].trim().replace(/[^\s(]*[/\\]([^/\\]+:\d+):\d+/, '$1');
      return `${pad('', 10)}${frame || '(no JavaScript frames)'}\n`;
    };
    write(`${pad('greenlet', 10)}${pad('state', 11)}doing\n`);
    for (const row of registry.rows()) {
      write(`${pad(row.name, 10)}${pad(row.state, 11)}${row.doing}\n`);
      if (live.has(row.greenlet)) write(where(live.get(row.greenlet)));
      live.delete(row.greenlet);
    }
    for (const info of live.values()) {
      write(`${pad('(other)', 10)}${pad(info.state, 11)}${info.waitingIn ?? ''}\n${where(info)}`);
    }
    const s = stats();
    write(
      `process: ${s.greenlets} greenlet${s.greenlets === 1 ? '' : 's'} started and not finished, ` +
        `${s.carriers} carrier thread${s.carriers === 1 ? '' : 's'} (${s.idleCarriers} idle, kept for reuse)\n`,
    );
  }

  function processCommand(line) {
    const [command = '', ...args] = line.trim().split(/\s+/);
    const rest = line.trim().slice(command.length).trim();
    switch (command) {
      case '':
        return;
      case 'help':
        return write(HELP);
      case 'echo':
        return write(`${rest}\n`);
      case 'sleep':
        return sleepCommand(args);
      case 'ls':
        return ls(args);
      case 'cat':
        return cat(args);
      case 'ask':
        return ask();
      case 'greenlets':
        return greenlets();
      default:
        return write(`Unknown command: ${command}. Type help for the list.\n`);
    }
  }

  // --- python-greenlet's process_commands() ---------------------------------------------
  const history = []; // the command lines of this session, for Up/Down
  function processCommands() {
    for (;;) {
      const line = readLine('> ', history);
      if (line.trim() === 'quit') {
        write('Are you sure? [y/n] ');
        const answer = readNextChar();
        write(answer >= ' ' && answer !== '\u007f' ? `${answer}\n` : '\n');
        if (answer !== 'y' && answer !== 'Y') {
          write('OK, staying.\n');
          continue; // ignore the command
        }
        write('Bye!\n');
        return 'quit';
      }
      processCommand(line);
    }
  }

  try {
    write(`tendril demo (${host.name} host): this terminal is a synchronous loop in a greenlet.\nType help and press Enter.\n`);
    const outcome = processCommands();
    if (typeof host.quit === 'function') host.quit();
    return outcome;
  } catch (error) {
    if (error instanceof WindowClosed) return 'closed';
    throw error;
  } finally {
    try {
      clock.kill();
    } catch (error) {
      // At process exit nothing may wait any more; the clock is being killed anyway.
      if (!(error instanceof GreenletError)) throw error;
    }
  }
}

module.exports = { runSession, info, clockText, HELP };
