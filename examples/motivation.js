#!/usr/bin/env node
// python-greenlet's motivation example, in Node.
//
// A command processor reads what the user types one character at a time. The natural
// way to write it is a plain synchronous loop that calls read_next_char() and gets the
// next keystroke. But keystrokes arrive as events (stdin 'data' events here, GUI key
// events in a desktop app), and the event loop must keep running while we wait for
// one. With greenlets the loop stays synchronous: process_commands() runs in its own
// greenlet, and read_next_char() waits on a Channel that the event side feeds: the
// greenlet parks, the event loop runs, and a keystroke wakes it up.
//
//   node examples/motivation.js             (a terminal: raw mode, one key at a time)
//   printf 'hello\nquit\ny' | node examples/motivation.js          (a pipe works too)
'use strict';
const { ChannelClosed, fromEvent, spawn, sleep } = require('tendril');

const stdin = process.stdin;
const isTTY = stdin.isTTY === true;
const write = (text) => process.stdout.write(text);

// --- The event-driven side --------------------------------------------------------
// Each 'data' event (a keystroke in raw mode, a chunk from a pipe) goes into a Channel;
// the 'end' of the input closes it.
if (isTTY) stdin.setRawMode(true);
stdin.setEncoding('utf8');
const keystrokes = fromEvent(stdin, 'data', { closeOn: 'end' });

let pending = ''; // what arrived and was not read yet
const END = null;

/** Waits (in this greenlet only) for the next character typed; END at end of input. */
function read_next_char() {
  for (;;) {
    while (pending === '') {
      try {
        pending = keystrokes.receive(); // parks until the next 'data' event
      } catch (error) {
        if (error instanceof ChannelClosed) return END;
        throw error;
      }
    }
    // The escape sequence of a key that is no character (an arrow, Home, F1, a lone
    // Escape): dropped.
    const sequence = /^\x1b(\[[0-9;]*[@-~]|O.)?/.exec(pending);
    if (sequence !== null) {
      pending = pending.slice(sequence[0].length);
      continue;
    }
    const [char] = pending; // one code point
    pending = pending.slice(char.length);
    if (char === '\u0003' || char === '\u0004') return END; // Ctrl-C, Ctrl-D in raw mode
    return char === '\r' ? '\n' : char; // Enter in raw mode is a carriage return
  }
}

/** Leaves a terminal tidy: the shell's prompt starts on a line of its own. */
function end() {
  if (isTTY) write('\n');
}

// --- The synchronous side: python-greenlet's process_commands() -------------------
function process_commands() {
  for (;;) {
    write('> ');
    let line = '';
    while (!line.endsWith('\n')) {
      const char = read_next_char();
      if (char === END) return end();
      if (char === '\u007f' || char === '\b') {
        // Backspace: forget the last character, and rub it out on the screen.
        if (line !== '') {
          line = line.slice(0, -1);
          write('\b \b');
        }
        continue;
      }
      write(char); // echo
      line += char;
    }
    if (line === 'quit\n') {
      write('Are you sure? [y/n] ');
      const answer = read_next_char();
      if (answer === END) return end();
      write(answer === '\n' ? '\n' : `${answer}\n`);
      if (answer !== 'y') continue; // ignore the command
      write('Bye!\n');
      return;
    }
    process_command(line);
  }
}

function process_command(line) {
  const [command, ...words] = line.trim().split(/\s+/);
  switch (command) {
    case '':
      break;
    case 'hello':
      write('Hello to you too!\n');
      break;
    case 'upper':
      write(`${words.join(' ').toUpperCase()}\n`);
      break;
    case 'wait':
      // Waits without blocking the event loop, exactly like read_next_char().
      sleep(100);
      write('Waited 100 ms.\n');
      break;
    case 'help':
      write('Commands: hello, upper <words>, wait, help, quit\n');
      break;
    default:
      write(`Unknown command: ${command}\n`);
  }
}

// --- Wiring ----------------------------------------------------------------------------
write('Character-at-a-time command processor. Type help, or quit to leave.\n');
const processor = spawn(process_commands);
processor.promise.finally(() => {
  // Stop listening and let the process end by itself.
  keystrokes.close();
  if (isTTY) stdin.setRawMode(false);
  stdin.pause();
});
