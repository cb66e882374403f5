// End-to-end in the Electron-shaped host (test/electron-host/): the demo's Electron app
// (demo-app/electron/main.js, unchanged) and the README's Electron snippets run as
// Electron main processes, their windows shown in Debian's Chromium through Playwright,
// their preloads run in the pages' isolated worlds and bridged to the host's ipcMain.
// The demo is driven with real key presses by the same script as the real-Electron spec,
// and the README app (e2e/readme-app.mjs) is checked as that spec checks it.
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
import { checkReadmePage, writeReadmeApp } from './readme-app.mjs';

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
  const host = launch(main, { renderer: true, timeout: 230_000 });
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
      // handle('info') answered from a greenlet in the host, whose Node is this spec's host Node.
      assert.match(await page.locator('#info').textContent(), /· Electron 0\.0\.0-host \(Node (24|26)\.\d+\.\d+\) · electron host ·/);
      fs.mkdirSync(path.join(here, 'screenshots'), { recursive: true });
      await page.screenshot({ path: path.join(here, 'screenshots', 'demo-electron-host.png') });
    },
  });
  const end = await closing; // "Bye!", then the app quits by itself
  assert.equal(end.signal, null, end.stderr);
  assert.equal(end.code, 0, `the app exited with ${end.code}:\n${end.stdout}\n${end.stderr}`);
  assert.doesNotMatch(end.stderr, /FATAL|Error|Warning/);
  assert.deepEqual(renderers.problems, []);
});

test("the README's Electron snippets work as written: main.js, preload.js, the page", { skip, timeout: 180_000 }, async (t) => {
  const { host, renderers } = await start(t, writeReadmeApp(root), [root]);
  const page = await renderers.firstWindow();
  await checkReadmePage(page).catch((error) => assert.fail(`${error.message}\n${renderers.problems.join('\n')}`));
  // 'q' ends the loop: returning from appLoop's function quits the app.
  await page.evaluate(() => window.tendril.send('key', 'q'));
  const end = await host.done;
  assert.equal(end.signal, null, end.stderr);
  assert.equal(end.code, 0, `${end.stdout}\n${end.stderr}`);
  assert.deepEqual(renderers.problems, []);
});
