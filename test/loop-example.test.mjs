// examples/motivation.js (python-greenlet's motivation example) driven one keystroke at
// a time: through a pipe, and through a real pseudo-terminal (util-linux `script`) where
// stdin is a TTY in raw mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = 'examples/motivation.js';
const BANNER = 'Character-at-a-time command processor. Type help, or quit to leave.\n';

/** A running child whose output we can wait on, and to which we type. */
function start(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    for (const w of [...waiters]) w();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    /** Resolves once the output (normalized by `normalize`) ends with `tail`. */
    until(tail, normalize = (s) => s, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (normalize(stdout).endsWith(tail)) {
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`timed out waiting for ${JSON.stringify(tail)}; output so far: ${JSON.stringify(stdout)}`));
        }, ms);
        waiters.push(check);
        check();
      });
    },
    /** Types `text` one character at a time, a few ms apart. */
    async type(text) {
      for (const char of text) {
        child.stdin.write(char);
        await delay(3);
      }
    },
  };
}

/** The session both tests type, with `enter` as the Enter key; and what it must print. */
async function session(p, enter, normalize) {
  await p.until(`${BANNER}> `, normalize);
  const steps = [
    [`hello${enter}`, 'Hello to you too!\n> '],
    [`upper greenlets rock${enter}`, 'GREENLETS ROCK\n> '],
    [`help${enter}`, 'Commands: hello, upper <words>, wait, help, quit\n> '],
    [`wait${enter}`, 'Waited 100 ms.\n> '],
    [`xyz\u007f\u007fq${enter}`, 'Unknown command: xq\n> '],
    [`quit${enter}`, 'Are you sure? [y/n] '],
    ['n', 'n\n> '],
    [`quit${enter}`, 'Are you sure? [y/n] '],
    ['y', 'y\nBye!\n'],
  ];
  for (const [keys, reply] of steps) {
    await p.type(keys);
    await p.until(reply, normalize);
  }
}

const TRANSCRIPT =
  BANNER +
  '> hello\nHello to you too!\n' +
  '> upper greenlets rock\nGREENLETS ROCK\n' +
  '> help\nCommands: hello, upper <words>, wait, help, quit\n' +
  '> wait\nWaited 100 ms.\n' +
  '> xyz\b \b\b \bq\nUnknown command: xq\n' +
  '> quit\nAre you sure? [y/n] n\n' +
  '> quit\nAre you sure? [y/n] y\nBye!\n';

test('through a pipe: keystrokes typed one at a time, quit asks, n continues, y exits', async () => {
  const p = start(process.execPath, [example]);
  try {
    await session(p, '\n', (s) => s);
    const { code, signal } = await p.exited; // exits by itself, stdin still open
    assert.equal(p.stdout, TRANSCRIPT);
    assert.equal(p.stderr, '');
    assert.deepEqual({ code, signal }, { code: 0, signal: null });
  } finally {
    p.child.kill();
  }
});

test('through a pipe: the end of input in the middle of a line ends the processor cleanly', async () => {
  const p = start(process.execPath, [example]);
  try {
    await p.until(`${BANNER}> `);
    await p.type('hel');
    await p.until('> hel');
    p.child.stdin.end();
    const { code } = await p.exited;
    assert.equal(p.stdout, `${BANNER}> hel`);
    assert.equal(p.stderr, '');
    assert.equal(code, 0);
  } finally {
    p.child.kill();
  }
});

test('through a real pseudo-terminal (script): raw mode, Enter is \\r, same transcript', async (t) => {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined) {
    t.skip(`util-linux 'script' is not available (${probe.error.code}): the pseudo-terminal test needs it`);
    return;
  }
  const quoted = (s) => `'${s.replaceAll("'", "'\\''")}'`;
  // -q quiet, -f flush, -e the child's exit code, -c the command; no typescript file.
  const p = start('script', ['-qfec', `${quoted(process.execPath)} ${example}`, '/dev/null']);
  // The terminal turns each \n of output into \r\n (ONLCR, kept in Node's raw mode).
  const normalize = (s) => s.replaceAll('\r\n', '\n');
  try {
    await session(p, '\r', normalize);
    const { code, signal } = await p.exited;
    assert.equal(p.stdout, TRANSCRIPT.replaceAll('\n', '\r\n'));
    assert.deepEqual({ code, signal }, { code: 0, signal: null });
  } finally {
    p.child.kill();
  }
});

/** `script` runs `command` in a pseudo-terminal; null when util-linux's script is missing. */
function inTerminal(command) {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined) return null;
  return start('script', ['-qfec', command, '/dev/null']);
}
const quote = (s) => `'${s.replaceAll("'", "'\\''")}'`;
const NO_SCRIPT = "util-linux 'script' is not available: the pseudo-terminal tests need it";

for (const [name, key] of [['Ctrl-C', '\u0003'], ['Ctrl-D', '\u0004']]) {
  test(`through a pseudo-terminal: ${name} mid-line ends with a newline and the terminal back in cooked mode`, async (t) => {
    // After the example, stty shows the terminal's mode as the shell gets it back.
    const p = inTerminal(`${quote(process.execPath)} ${example}; stty -a`);
    if (p === null) return t.skip(NO_SCRIPT);
    const normalize = (s) => s.replaceAll('\r\n', '\n');
    try {
      await p.until(`${BANNER}> `, normalize);
      await p.type('hel');
      await p.until('> hel', normalize);
      p.child.stdin.write(key);
      const { code } = await p.exited;
      assert.equal(code, 0, p.stderr);
      const out = normalize(p.stdout);
      assert.ok(out.startsWith(`${BANNER}> hel\n`), `no newline after ${name}: ${JSON.stringify(out.slice(0, 200))}`);
      const modes = out.slice(`${BANNER}> hel\n`.length);
      assert.match(modes, /(^|\s)icanon(\s|$)/m, `stty after the example: ${modes}`);
      assert.match(modes, /(^|\s)echo(\s|$)/m, `stty after the example: ${modes}`);
    } finally {
      p.child.kill();
    }
  });
}

test('through a pseudo-terminal: arrow keys and other escape sequences are not echoed, and not part of the line', async (t) => {
  const p = inTerminal(`${quote(process.execPath)} ${example}`);
  if (p === null) return t.skip(NO_SCRIPT);
  const normalize = (s) => s.replaceAll('\r\n', '\n');
  try {
    await p.until(`${BANNER}> `, normalize);
    await p.type('he');
    // Each key's sequence in one write, as a terminal sends it: left, up, Home, F1, Escape.
    for (const sequence of ['\x1b[D', '\x1b[A', '\x1b[H', '\x1bOP', '\x1b']) {
      p.child.stdin.write(sequence);
      await delay(20);
    }
    await p.type('llo\r');
    await p.until('Hello to you too!\n> ', normalize);
    await p.type('quit\ry');
    await p.exited;
    assert.equal(normalize(p.stdout), `${BANNER}> hello\nHello to you too!\n> quit\nAre you sure? [y/n] y\nBye!\n`);
  } finally {
    p.child.kill();
  }
});
