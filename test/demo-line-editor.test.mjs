// The demo terminal's line editing, without a browser: keys go through the app's line
// editor (demo-app/app/line-editor.js), what it draws goes to the page's screen model
// (demo-app/renderer/screen.js), and the screen must show the line the editor returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { LineEditor, KEY, keyAt } = require('../demo-app/app/line-editor.js');
const { Screen } = require('../demo-app/renderer/screen.js');

/** Splits `input` into keys as the session does, and edits one line after `prompt`. */
function edit(input, { prompt = '> ', history = null, screen = new Screen() } = {}) {
  const editor = new LineEditor(history);
  screen.write(prompt);
  for (let at = 0; at < input.length; ) {
    const { key, length } = keyAt(input, at);
    at += length;
    const { draw, line } = editor.key(key);
    screen.write(draw);
    if (line !== undefined) return { line, shown: screen.takeFinished().at(-1), rest: input.slice(at), screen };
  }
  return { line: undefined, shown: screen.chars.join(''), col: screen.col, screen };
}

test('keys: escape sequences whole, graphemes whole (emoji, accents, flags), \\r and \\r\\n are Enter', () => {
  const keys = (text) => {
    const out = [];
    for (let at = 0; at < text.length; ) {
      const { key, length } = keyAt(text, at);
      out.push(key);
      at += length;
    }
    return out;
  };
  assert.deepEqual(keys('a\x1b[Db\x1b[3~c\x1bOH'), ['a', KEY.LEFT, 'b', KEY.DELETE, 'c', '\x1bOH']);
  assert.deepEqual(keys('e\u0301👍🏽🇫🇷👩‍👩‍👧'), ['e\u0301', '👍🏽', '🇫🇷', '👩‍👩‍👧']);
  assert.deepEqual(keys('a\rb\r\nc\n'), ['a', '\n', 'b', '\n', 'c', '\n']);
  assert.deepEqual(keys('\x1bx'), ['\x1b', 'x']); // a lone ESC
});

test('typing at the end echoes the text; Enter returns the line and the screen shows it', () => {
  const r = edit('echo hi\n');
  assert.equal(r.line, 'echo hi');
  assert.equal(r.shown, '> echo hi');
});

test('left/right, Home/End, Backspace and Delete in the middle of the line', () => {
  const { LEFT, RIGHT, HOME, END, DELETE, BACKSPACE } = KEY;
  let r = edit(`ecoh${LEFT}${BACKSPACE}${END}xo${LEFT}${LEFT}${DELETE}\n`); // "ecoh" → "ech" → "echxo" → "echo"
  assert.deepEqual([r.line, r.shown], ['echo', '> echo']);
  r = edit(`world${HOME}hello ${END}!\n`);
  assert.deepEqual([r.line, r.shown], ['hello world!', '> hello world!']);
  r = edit(`abc${LEFT}${LEFT}${LEFT}${LEFT}${BACKSPACE}${RIGHT}${RIGHT}${RIGHT}${RIGHT}${DELETE}X\n`); // edges do nothing
  assert.deepEqual([r.line, r.shown], ['abcX', '> abcX']);
  r = edit(`abcdef${HOME}${DELETE}${DELETE}${DELETE}\n`); // the line gets shorter: the old end is erased
  assert.deepEqual([r.line, r.shown], ['def', '> def']);
});

test('not at the end of the line, the cursor is where the editor says', () => {
  const r = edit(`hello${KEY.LEFT}${KEY.LEFT}`);
  assert.deepEqual([r.shown, r.col], ['> hello', 5]);
});

test('emoji and combining accents are one column: Backspace takes them whole', () => {
  const r = edit(`caf\u0065\u0301 👍🏽${KEY.BACKSPACE}🇫🇷${KEY.LEFT}${KEY.LEFT}${KEY.BACKSPACE}!\n`);
  assert.deepEqual([r.line, r.shown], ['caf! 🇫🇷', '> caf! 🇫🇷']); // "café 🇫🇷" lost its é
});

test('a prompt after other text on the same line is kept when the line is redrawn', () => {
  const screen = new Screen();
  screen.write('That is not a number. ');
  const r = edit(`7x${KEY.LEFT}${KEY.LEFT}${KEY.DELETE}1\n`, { prompt: 'Pick one: ', screen });
  assert.deepEqual([r.line, r.shown], ['1x', 'That is not a number. Pick one: 1x']);
});

test('Up and Down browse the history; the line being typed comes back; entered lines are added', () => {
  const history = ['help', 'echo one'];
  const { UP, DOWN } = KEY;
  let r = edit(`draft${UP}${UP}${UP}${DOWN}\n`, { history });
  assert.deepEqual([r.line, r.shown], ['echo one', '> echo one']);
  r = edit(`draft${UP}${DOWN}\n`, { history });
  assert.deepEqual([r.line, r.shown], ['draft', '> draft']);
  assert.deepEqual(history, ['help', 'echo one', 'draft']);
  r = edit(`${UP}${KEY.HOME}x\n`, { history }); // an entry can be edited
  assert.deepEqual([r.line, r.shown], ['xdraft', '> xdraft']);
  edit(`\n`, { history });
  edit(`xdraft\n`, { history });
  assert.deepEqual(history, ['help', 'echo one', 'draft', 'xdraft'], 'blank lines and repeats are not added');
});

test('pasted text: every line is one Enter; control characters and unknown sequences are dropped', () => {
  let r = edit('help\nls\n');
  assert.deepEqual([r.line, r.rest], ['help', 'ls\n']);
  r = edit('a\tb\u0007c\x1b[1;5Dd\x1b[Z\n');
  assert.deepEqual([r.line, r.shown], ['abcd', '> abcd']);
});

test('the screen keeps an escape sequence cut between two writes', () => {
  const screen = new Screen();
  screen.write('abc\x1b[');
  screen.write('2Dx\n');
  assert.deepEqual(screen.takeFinished(), ['axc']);
});
