// The demo terminal's screen, as text: what the app writes lands at a cursor on the
// last line, overwriting what is there; a line feed finishes that line. The controls it
// follows are the ones the app's line editor writes (app/line-editor.js):
//
//   '\n' finish the line    '\r' column 0           '\b' one column left
//   ESC [ n D  n left       ESC [ n C  n right      ESC [ K  erase to the end of the line
//
// Other escape sequences are dropped. A column is a grapheme. No DOM here: the page
// (renderer.js) draws what this holds, and the tests drive it in Node.
'use strict';
(function (exports) {
  const segmenter = new Intl.Segmenter();
  const graphemes = (text) => Array.from(segmenter.segment(text), (s) => s.segment);
  const CONTROL = /[\n\r\b\x1b]/;

  class Screen {
    constructor() {
      /** The last line, as graphemes, and the cursor's column in it. */
      this.chars = [];
      this.col = 0;
      /** Lines finished since the last takeFinished(). */
      this.finished = [];
      /** The start of an escape sequence cut off at the end of the last write. */
      this.partial = '';
    }

    write(chunk) {
      const text = this.partial + chunk;
      this.partial = '';
      let i = 0;
      while (i < text.length) {
        const c = text[i];
        if (c === '\n') {
          this.finished.push(this.chars.join(''));
          this.chars = [];
          this.col = 0;
          i++;
        } else if (c === '\r') {
          this.col = 0;
          i++;
        } else if (c === '\b') {
          this.col = Math.max(0, this.col - 1);
          i++;
        } else if (c === '\x1b') {
          const rest = text.slice(i, i + 16);
          const match = /^\x1b\[([0-9;]*)([@-~])/.exec(rest);
          if (match === null) {
            if (/^\x1b(\[[0-9;]*)?$/.test(rest)) {
              this.partial = rest; // the rest of it comes with the next write
              break;
            }
            i++; // not a sequence: drop the ESC
            continue;
          }
          this.control(match[2], match[1] === '' ? 1 : Number.parseInt(match[1], 10));
          i += match[0].length;
        } else {
          let end = i + 1;
          while (end < text.length && !CONTROL.test(text[end])) end++;
          for (const g of graphemes(text.slice(i, end))) this.chars[this.col++] = g;
          i = end;
        }
      }
    }

    control(final, n) {
      if (final === 'D') this.col = Math.max(0, this.col - n);
      else if (final === 'C') this.col = Math.min(this.chars.length, this.col + n);
      else if (final === 'K') this.chars.length = this.col;
    }

    /** The lines finished since the last call. */
    takeFinished() {
      const lines = this.finished;
      this.finished = [];
      return lines;
    }
  }

  exports.Screen = Screen;
})(typeof module === 'object' && module.exports ? module.exports : window);
