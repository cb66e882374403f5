// The fenced code blocks of README.md, with the marker comment written right above each
// (`<!-- excerpt: examples/motivation.js -->`, `<!-- electron -->`, ...). Used by
// test/readme.test.mjs (which runs them) and test/types.test.mjs (which compiles the
// first one).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const README = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md');

/** [{ lang, code, line (1-based, of the opening fence), marker (the comment's text or null) }] */
export function readmeBlocks(file = README) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (open === null) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`${file}:${i + 1}: a code block that never closes`);
    const above = i > 0 ? /^<!--\s*(.*?)\s*-->$/.exec(lines[i - 1]) : null;
    blocks.push({ lang: open[1], code: lines.slice(i + 1, end).join('\n') + '\n', line: i + 1, marker: above ? above[1] : null });
    i = end;
  }
  return blocks;
}
