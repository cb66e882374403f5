// End-to-end: the demo's browser host (demo-app/browser/server.js) driven through
// Debian's Chromium by Playwright, typing real keys: every command, `sleep 2` while the
// clock ticks, the quit dialogue, and the server exiting 0 after "y". Saves a screenshot
// to e2e/screenshots/demo.png.
//
// Chromium: /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it). Without
// it this spec fails under CI=true and is skipped, loudly, elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, exerciseDemo } from './terminal.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const inCI = process.env.CI === 'true' || process.env.CI === '1';

let skip = false;
if (!fs.existsSync(CHROMIUM) && !inCI) {
  skip = `Chromium not installed at ${CHROMIUM} (apt-get install chromium); CI=true makes this a failure`;
  process.stderr.write(`\n!!! e2e/browser.test.mjs SKIPPED: ${skip}\n\n`);
}

/** Starts the browser host on a free port; resolves with its URL and the child. */
function startHost() {
  const child = spawn(process.execPath, [path.join(root, 'demo-app/browser/server.js'), '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })));
  const url = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.stderr.on('data', (chunk) => (err += chunk));
    exited.then((r) => reject(new Error(`the browser host exited early (${r.code ?? r.signal}):\n${r.out}\n${r.err}`)));
  });
  return { child, url, exited };
}

test('browser host: every command through real key presses, sleep while the clock ticks, the quit dialogue', { skip, timeout: 120_000 }, async (t) => {
  assert.ok(fs.existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM}: apt-get install chromium`);
  const host = startHost();
  t.after(() => host.child.kill());
  const url = await host.url;

  // Another origin may not drive the terminal.
  const foreign = await fetch(url.replace(/\/$/, '') + '/ws', {
    headers: { connection: 'Upgrade', upgrade: 'websocket', origin: 'http://evil.example', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
  }).catch((e) => e);
  assert.ok(foreign instanceof Error || foreign.status !== 101, 'a WebSocket from another origin is refused');

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 900, height: 640 } });
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  await page.goto(url);

  await exerciseDemo(page, {
    host: 'browser',
    screenshot: async () => {
      fs.mkdirSync(path.join(here, 'screenshots'), { recursive: true });
      await page.screenshot({ path: path.join(here, 'screenshots', 'demo.png') });
    },
  });
  // After "y": the page says the session ended, and the host process exits with 0.
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('Session ended'), null, {
    timeout: 10_000,
  });
  const exit = await host.exited;
  assert.equal(exit.code, 0, `the browser host exited with ${exit.code ?? exit.signal}:\n${exit.out}\n${exit.err}`);
  assert.match(exit.out, /the app quit/);
  assert.deepEqual(problems, []);
  const png = fs.readFileSync(path.join(here, 'screenshots', 'demo.png'));
  assert.ok(png.length > 5_000 && png.subarray(1, 4).toString() === 'PNG', 'a PNG screenshot was saved');
});
