// End-to-end in the Electron-shaped host (test/electron-host/): the demo's Electron app
// (demo-app/electron/main.js, unchanged) and the README's Electron snippets run as
// Electron main processes, their windows shown in Debian's Chromium through Playwright,
// their preloads run in the pages' isolated worlds and bridged to the host's ipcMain.
// The demo is driven with real key presses by the same script as the real-Electron spec.
//
// Needs the host (Node 24 or later; see test/electron-host/runtime.js) and Chromium at
// /usr/bin/chromium (without it this spec fails under CI=true and is skipped, loudly,
// elsewhere).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { launch, skipReason } from '../test/electron-host/launch.mjs';
import { startRenderers } from '../test/electron-host/chromium.mjs';
import { CHROMIUM_ARGS, exerciseDemo } from './terminal.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const inCI = process.env.CI === 'true' || process.env.CI === '1';

let skip = skipReason();
if (!skip && !fs.existsSync(CHROMIUM) && !inCI) {
  skip = `Chromium not installed at ${CHROMIUM} (apt-get install chromium); CI=true makes this a failure`;
}
if (skip) process.stderr.write(`\n!!! e2e/electron-host.test.mjs SKIPPED: ${skip}\n\n`);

/** Runs `main` in the host with its windows in Chromium; returns { host, renderers }. */
async function start(t, main, roots) {
  assert.ok(fs.existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM}: apt-get install chromium`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  t.after(() => browser.close());
  const host = launch(main, { renderer: true });
  t.after(() => host.child.kill());
  const renderers = await startRenderers(host.link, { browser, roots, versions: { electron: '0.0.0-host', chrome: browser.version() } });
  t.after(() => renderers.close());
  return { host, renderers };
}

test('the demo Electron app in the host: every command through real key presses, the quit dialogue, exit 0', { skip, timeout: 240_000 }, async (t) => {
  const { host, renderers } = await start(t, path.join(root, 'demo-app/electron/main.js'), [root]);
  const page = await renderers.firstWindow();
  await page.waitForFunction(() => document.title === 'tendril demo', null, { timeout: 30_000 });
  const closing = await exerciseDemo(page, {
    host: 'electron',
    onQuit: () => host.done,
    screenshot: async () => {
      fs.mkdirSync(path.join(here, 'screenshots'), { recursive: true });
      await page.screenshot({ path: path.join(here, 'screenshots', 'demo-electron-host.png') });
    },
  });
  const end = await closing; // "Bye!", then the app quits by itself
  assert.equal(end.signal, null, end.stderr);
  assert.equal(end.code, 0, `the app exited with ${end.code}:\n${end.stdout}\n${end.stderr}`);
  assert.doesNotMatch(end.stderr, /FATAL|Error|Warning/);
  assert.match(await page.locator('#info').textContent().catch(() => 'closed'), /closed|Electron 0\.0\.0-host/);
  assert.deepEqual(renderers.problems, []);
});

/** The README's Electron section: main.js, then the preload and the page. */
function readmeSnippets() {
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

test("the README's Electron snippets work as written: main.js, preload.js, the page", { skip, timeout: 180_000 }, async (t) => {
  const snippets = readmeSnippets();
  // Inside the package, so require('tendril') resolves to it.
  const dir = path.join(root, 'test', 'electron-host', 'build', 'readme-app');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.js'), snippets.main);
  fs.writeFileSync(path.join(dir, 'preload.js'), snippets.preload);
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'notes from the README test\n');
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>readme</title><script type="module" src="page.js"></script>\n');
  fs.writeFileSync(
    path.join(dir, 'page.js'),
    `const shown = [];\nfunction show(key) { shown.push(key); document.title = shown.join(','); }\n${snippets.page}\nwindow.loaded = text;\n`,
  );
  const { host, renderers } = await start(t, path.join(dir, 'main.js'), [root]);
  const page = await renderers.firstWindow();
  const state = () => page.evaluate(() => ({ title: document.title, loaded: window.loaded ?? null })).catch((e) => e.message);
  // The page sent 'a' and got the echo; invoke('load') read notes.txt in a greenlet.
  await page
    .waitForFunction(() => document.title === 'a' && typeof window.loaded === 'string', null, { timeout: 30_000 })
    .catch(async () => assert.fail(`the page never got its echo and file: ${JSON.stringify(await state())}\n${renderers.problems.join('\n')}`));
  assert.equal(await page.evaluate(() => window.loaded), 'notes from the README test\n');
  // 'q' ends the loop: returning from appLoop's function quits the app.
  await page.evaluate(() => window.tendril.send('key', 'q'));
  const end = await host.done;
  assert.equal(end.signal, null, end.stderr);
  assert.equal(end.code, 0, `${end.stdout}\n${end.stderr}`);
  assert.deepEqual(renderers.problems, []);
});
