// The README's Electron snippets as an app: main.js and preload.js exactly as written,
// and a page around the page snippet (show(), plus what the test reads back). Used by
// the Electron-shaped host's spec and the real-Electron spec.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/** The README's Electron section: main.js, then the preload and the page. */
function readmeSnippets(root) {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Electron\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  const main = blocks.find((block) => block.startsWith('// main.js'));
  const bridge = blocks.find((block) => block.startsWith('// preload.js'));
  assert.ok(main && bridge && bridge.includes('// the page\n'), 'the README has its Electron main.js, preload.js and page snippets');
  const [preload, page] = bridge.split('// the page\n');
  return { main, preload, page };
}

/**
 * Writes the app into the package (so require('tendril') resolves to it) and returns the
 * path of its main.js. Its notes.txt holds NOTES. The page shows each echo in its title
 * and keeps what invoke('load') returned in window.loaded.
 */
export function writeReadmeApp(root) {
  const snippets = readmeSnippets(root);
  const dir = path.join(root, 'test', 'electron-host', 'build', 'readme-app');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.js'), snippets.main);
  fs.writeFileSync(path.join(dir, 'preload.js'), snippets.preload);
  fs.writeFileSync(path.join(dir, 'notes.txt'), NOTES);
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>readme</title><script src="page.js"></script>\n');
  fs.writeFileSync(
    path.join(dir, 'page.js'),
    `const shown = [];\nfunction show(key) { shown.push(key); document.title = shown.join(','); }\n` +
      `(async () => {\n${snippets.page}\nwindow.loaded = text;\n})();\n`,
  );
  return path.join(dir, 'main.js');
}

export const NOTES = 'notes from the README test\n';

/** The page has sent 'a', got the echo, and read notes.txt through invoke('load'). */
export async function checkReadmePage(page) {
  await page.waitForFunction(() => document.title === 'a' && typeof window.loaded === 'string', null, { timeout: 30_000 });
  assert.equal(await page.evaluate(() => window.loaded), NOTES);
}
