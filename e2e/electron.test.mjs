// End-to-end: the demo as a real Electron app (demo-app/electron/main.js), launched by
// Playwright's _electron, driven with real key presses exactly like the browser-host
// spec: every command, `sleep 2` while the clock ticks, the quit dialogue, and the app
// exiting 0 after "y".
//
// It runs where Electron's binary is installed (the electron devDependency's install
// script fetches it from Electron's release downloads; package.json's allowScripts keeps
// npm 11 from running it, so fetch it with `node node_modules/electron/install.js`) and
// is reported as skipped, with the reason, where it is not. On Linux without a display it
// starts Xvfb when that is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright-core';
import { exerciseDemo } from './terminal.mjs';
import { checkReadmePage, writeReadmeApp } from './readme-app.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(import.meta.url);

/** Where Electron's binary is, without require('electron') (which would try a download). */
function findElectron() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed (npm install)' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const name = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : process.platform === 'win32' ? 'electron.exe' : 'electron';
  const binary = override ? path.join(override, name) : path.join(pkgDir, 'dist', name);
  if (!fs.existsSync(binary)) {
    return {
      reason:
        `${path.relative(root, binary)} is missing (fetch it from Electron's release downloads with ` +
        '`node node_modules/electron/install.js` where they can be reached)',
    };
  }
  return { binary };
}

function findXvfb() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, 'Xvfb');
    if (dir && fs.existsSync(file)) return file;
  }
  return null;
}

const electron = findElectron();
let skip = electron.binary ? false : `Electron binary not installed: ${electron.reason}`;
const needsDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
if (!skip && needsDisplay && findXvfb() === null) {
  skip = 'no display for Electron: DISPLAY is unset and Xvfb is not installed (apt-get install xvfb)';
}

/** Launches Electron with `main` (under Xvfb when there is no display); closed after `t`. */
async function launchElectron(t, main, cwd) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  if (needsDisplay) {
    const display = `:${90 + (process.pid % 9)}`;
    const xvfb = spawn(findXvfb(), [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    t.after(() => xvfb.kill());
    await new Promise((resolve) => setTimeout(resolve, 1000));
    env.DISPLAY = display;
  }
  const app = await _electron.launch({ executablePath: electron.binary, args: ['--no-sandbox', main], cwd, env, timeout: 60_000 });
  let closed = false;
  app.on('close', () => (closed = true));
  t.after(async () => {
    if (!closed) await app.close().catch(() => {});
  });
  return app;
}

test('Electron app: every command through real key presses, sleep while the clock ticks, the quit dialogue', { skip, timeout: 180_000 }, async (t) => {
  const app = await launchElectron(t, path.join(root, 'demo-app/electron/main.js'), root);
  const page = await app.firstWindow();
  assert.equal(await page.title(), 'tendril demo');
  const closing = await exerciseDemo(page, {
    host: 'electron',
    onQuit: () => app.waitForEvent('close', { timeout: 15_000 }),
    screenshot: async () => {
      fs.mkdirSync(path.join(here, 'screenshots'), { recursive: true });
      await page.screenshot({ path: path.join(here, 'screenshots', 'demo-electron.png') });
    },
  });
  await closing; // "Bye!", then the app quits by itself
  const child = app.process();
  if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(child.exitCode, 0, `the Electron app exited with ${child.exitCode ?? child.signalCode}`);
});

test("the README's Electron snippets work as written in Electron", { skip, timeout: 180_000 }, async (t) => {
  const main = writeReadmeApp(root);
  const app = await launchElectron(t, main, path.dirname(main));
  const page = await app.firstWindow();
  await checkReadmePage(page);
  const closing = app.waitForEvent('close', { timeout: 15_000 });
  await page.evaluate(() => window.tendril.send('key', 'q')); // returning from appLoop's function quits
  await closing;
  const child = app.process();
  if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(child.exitCode, 0, `the Electron app exited with ${child.exitCode ?? child.signalCode}`);
});
