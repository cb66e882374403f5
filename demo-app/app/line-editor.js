// Line editing for the demo's terminal, done by the app as a shell's readline does: the
// page sends keys (text, '\n' for Enter, '\b' for Backspace, the terminal's escape
// sequences for the arrows, Home, End and Delete), and the app decides what the line is
// and what to draw. What it draws is text plus a few terminal controls that the page
// (renderer/screen.js) follows:
//
//   '\b'        cursor one column left          '\x1b[<n>D'  n columns left
//   '\x1b[K'    erase from the cursor to the end of the line    '\x1b[<n>C'  n columns right
//
// A column is a grapheme (Intl.Segmenter): an emoji or an accented letter is one, and
// Backspace removes it whole. Text is written over what is under the cursor.
'use strict';

const KEY = {
  ENTER: '\n',
  BACKSPACE: '\b',
  DEL: '\u007f', // what terminals send for Backspace
  LEFT: '\x1b[D',
  RIGHT: '\x1b[C',
  UP: '\x1b[A',
  DOWN: '\x1b[B',
  HOME: '\x1b[H',
  END: '\x1b[F',
  DELETE: '\x1b[3~',
};

const segmenter = new Intl.Segmenter();

/** Splits text into graphemes. */
function graphemes(text) {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/**
 * The key at `text[at]`: an escape sequence (CSI `ESC [ params final`, or SS3 `ESC O x`)
 * or one grapheme. A lone ESC is a key of its own. Enter may come as '\r' or '\r\n'
 * (both are '\n' here).
 */
function keyAt(text, at) {
  if (text[at] === '\x1b') {
    const match = /^\x1b(?:\[[0-9;]*[@-~]|O.)/.exec(text.slice(at, at + 16));
    return { key: match ? match[0] : '\x1b', length: match ? match[0].length : 1 };
  }
  const { segment } = segmenter.segment(text).containing(at);
  return { key: segment === '\r' || segment === '\r\n' ? '\n' : segment, length: segment.length };
}

const left = (n) => (n === 0 ? '' : n === 1 ? '\b' : `\x1b[${n}D`);
const right = (n) => (n === 0 ? '' : `\x1b[${n}C`);

/** A printable grapheme: no control characters in it. */
const printable = (key) => !/[\u0000-\u001f\u007f-\u009f]/.test(key);

/**
 * One line being edited after a prompt the caller has written. `key(k)` takes a key and
 * returns `{ draw, line }`: what to write to the screen, and the finished line once
 * Enter was pressed. `history` (an array, kept across lines) enables Up/Down; entered
 * lines are added to it.
 */
class LineEditor {
  #chars = [];
  #cursor = 0;
  #history;
  #at; // index into history while browsing; history.length is the line being typed
  #draft = [];

  constructor(history = null) {
    this.#history = history;
    this.#at = history === null ? 0 : history.length;
  }

  key(key) {
    const chars = this.#chars;
    switch (key) {
      case KEY.ENTER: {
        const line = chars.join('');
        const history = this.#history;
        if (history !== null && line.trim() !== '' && history.at(-1) !== line) history.push(line);
        return { draw: right(chars.length - this.#cursor) + '\n', line };
      }
      case KEY.BACKSPACE:
      case KEY.DEL:
        if (this.#cursor === 0) return { draw: '' };
        return this.#edit(() => {
          chars.splice(this.#cursor - 1, 1);
          return this.#cursor - 1;
        });
      case KEY.DELETE:
        if (this.#cursor === chars.length) return { draw: '' };
        return this.#edit(() => {
          chars.splice(this.#cursor, 1);
          return this.#cursor;
        });
      case KEY.LEFT:
        return this.#move(Math.max(0, this.#cursor - 1));
      case KEY.RIGHT:
        return this.#move(Math.min(chars.length, this.#cursor + 1));
      case KEY.HOME:
        return this.#move(0);
      case KEY.END:
        return this.#move(chars.length);
      case KEY.UP:
      case KEY.DOWN:
        return this.#browse(key === KEY.UP ? -1 : 1);
      default:
        break;
    }
    if (key.startsWith('\x1b')) return { draw: '' }; // escape sequences of other keys
    // Text: a typed grapheme, or several (a paste without line breaks, an IME's word).
    const added = graphemes(key).filter(printable);
    if (added.length === 0) return { draw: '' }; // other control characters
    if (this.#cursor === chars.length) {
      chars.push(...added);
      this.#cursor = chars.length;
      return { draw: added.join('') };
    }
    return this.#edit(() => {
      chars.splice(this.#cursor, 0, ...added);
      return this.#cursor + added.length;
    });
  }

  /** Changes the line (`change` returns the new cursor) and redraws it from its start. */
  #edit(change) {
    const from = this.#cursor;
    this.#cursor = change();
    return { draw: this.#redraw(from) };
  }

  /** Draws the whole line over the old one (the screen's cursor is at `from`). */
  #redraw(from) {
    const chars = this.#chars;
    return left(from) + chars.join('') + '\x1b[K' + left(chars.length - this.#cursor);
  }

  #move(to) {
    const from = this.#cursor;
    this.#cursor = to;
    return { draw: to < from ? left(from - to) : right(to - from) };
  }

  /** Up (-1) and Down (+1) through the history; the line being typed is kept as a draft. */
  #browse(step) {
    const history = this.#history;
    if (history === null) return { draw: '' };
    const to = this.#at + step;
    if (to < 0 || to > history.length) return { draw: '' };
    if (this.#at === history.length) this.#draft = [...this.#chars];
    this.#at = to;
    const from = this.#cursor;
    this.#chars = to === history.length ? [...this.#draft] : graphemes(history[to]);
    this.#cursor = this.#chars.length;
    return { draw: this.#redraw(from) };
  }
}

module.exports = { LineEditor, KEY, keyAt, graphemes };
