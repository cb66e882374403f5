// The README's code blocks do what they say. Each block is one of:
//   a JavaScript block with no marker   runnable as written: run here with node (tendril
//                                       resolved to this checkout), must exit 0 with
//                                       output and nothing on stderr; one that reads
//                                       stdin gets the keys "x", then "q"
//   <!-- excerpt: FILE -->              an excerpt of FILE: its lines appear there, in
//                                       order (`// ...` marks what is left out)
//   <!-- electron: ... -->              Electron code (main process, preload, page): not
//                                       plain Node, run in the Electron-shaped host
//   <!-- commands -->                   shell commands: each `npm run X` is a script of
//                                       package.json and each `node FILE` a file here
//   <!-- config: ... -->                a JSON configuration (a package.json): it parses
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readmeBlocks } from './readme.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const blocks = readmeBlocks();
const kind = (block) => (block.marker === null ? 'run' : block.marker.split(':')[0].trim());
const where = (block) => `README.md:${block.line}`;

test('every README code block is runnable JavaScript, an excerpt of a named file, Electron code, shell commands or a configuration', () => {
  const wrong = blocks
    .filter((block) => {
      const k = kind(block);
      if (block.lang === 'sh') return k !== 'commands';
      if (block.lang === 'json') return k !== 'config';
      return block.lang !== 'js' || !['run', 'excerpt', 'electron'].includes(k);
    })
    .map((block) => `${where(block)}: \`\`\`${block.lang} marked ${JSON.stringify(block.marker)}`);
  assert.deepEqual(wrong, []);
  // Electron code is marked as such, and only Electron code.
  const electronish = (block) => /tendril\/(electron|renderer)|\bwindow\./.test(block.code);
  const mismarked = blocks.filter((block) => block.lang === 'js' && electronish(block) !== (kind(block) === 'electron'));
  assert.deepEqual(mismarked.map(where), []);
  assert.ok(blocks.filter((block) => block.lang === 'js' && kind(block) === 'run').length >= 8, 'the README has its runnable examples');
});

/** Runs one block in a directory of its own; resolves with its exit and output. */
function runBlock(block) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-readme-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'tendril'), 'dir');
  const file = path.join(dir, /^import\s/m.test(block.code) ? 'example.mjs' : 'example.cjs');
  fs.writeFileSync(file, block.code);
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, [file], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  if (block.code.includes('process.stdin')) {
    // Keys one at a time: "x", and "q" once the example has answered the first.
    child.stdin.write('x');
    const next = () => {
      if (stdout.includes('x')) child.stdin.write('q');
      else child.stdout.once('data', next);
    };
    next();
  } else {
    child.stdin.end();
  }
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr });
    });
  });
}

for (const block of blocks.filter((b) => b.lang === 'js' && kind(b) === 'run')) {
  test(`${where(block)} runs as written: ${block.code.split('\n').find((l) => l.trim() && !/require|^import/.test(l))?.trim().slice(0, 60)}`, async () => {
    const r = await runBlock(block);
    assert.deepEqual({ code: r.code, signal: r.signal }, { code: 0, signal: null }, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    assert.equal(r.stderr, '');
    assert.notEqual(r.stdout, '', 'the example printed nothing');
  });
}

for (const block of blocks.filter((b) => kind(b) === 'excerpt')) {
  const file = block.marker.slice(block.marker.indexOf(':') + 1).trim();
  test(`${where(block)} is an excerpt of ${file}: its lines are there, in order`, () => {
    const source = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    let at = 0;
    for (const line of block.code.split('\n')) {
      const wanted = line.trim();
      if (wanted === '' || wanted.startsWith('// ...')) continue;
      const found = source.findIndex((s, i) => i >= at && s.trim() === wanted);
      assert.ok(found >= 0, `${JSON.stringify(wanted)} is not in ${file} (after its line ${at})`);
      at = found + 1;
    }
  });
}

test("the README's JSON configurations parse", () => {
  for (const block of blocks.filter((b) => b.lang === 'json')) {
    assert.doesNotThrow(() => JSON.parse(block.code), `${where(block)} is not JSON`);
  }
});

test("the README's shell commands name real npm scripts and files", () => {
  const missing = [];
  for (const block of blocks.filter((b) => kind(b) === 'commands')) {
    for (const line of block.code.split('\n')) {
      const script = /^npm run ([\w:-]+)/.exec(line.trim());
      if (script && pkg.scripts[script[1]] === undefined) missing.push(`${where(block)}: npm run ${script[1]}`);
      const file = /^node ([\w./-]+)/.exec(line.trim());
      if (file && !fs.existsSync(path.join(root, file[1]))) missing.push(`${where(block)}: node ${file[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});
