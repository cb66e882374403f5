// End-to-end: the demo's browser host (demo-app/browser/server.js) driven through
// Debian's Chromium by Playwright, typing real keys: every command, `sleep 2` while the
// clock ticks, what a terminal takes besides typing (paste, Ctrl+V, emoji, an IME,
// line editing, history), the quit dialogue, which ends that tab's session while the
// host serves the other tab and a reload, until Ctrl-C stops it; and a 300-command
// paste, whose time is printed (a long transcript must stay quick). Saves a screenshot
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
import { CHROMIUM_ARGS, exerciseDemo, finishedLines, run, transcript, waitForTranscript } from './terminal.mjs';

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

/** Chromium with a page per tab on `url`; the clipboard is the page's to use. */
async function openBrowser(t, url) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 900, height: 640 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  const problems = [];
  const open = async () => {
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    await page.goto(url);
    await page.locator('#terminal').focus();
    await waitForTranscript(page, (text) => text.endsWith('> '), 'the first prompt');
    return page;
  };
  return { open, problems };
}

const statusOf = (page) => page.locator('#status').textContent();

test('browser host: every command through real key presses, every way of input, the quit dialogue; a quit ends that tab only', { skip, timeout: 180_000 }, async (t) => {
  assert.ok(fs.existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM}: apt-get install chromium`);
  const host = startHost();
  t.after(() => host.child.kill());
  const url = await host.url;

  // Another origin may not drive the terminal.
  const foreign = await fetch(url.replace(/\/$/, '') + '/ws', {
    headers: { connection: 'Upgrade', upgrade: 'websocket', origin: 'http://evil.example', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
  }).catch((e) => e);
  assert.ok(foreign instanceof Error || foreign.status !== 101, 'a WebSocket from another origin is refused');

  const { open, problems } = await openBrowser(t, url);
  const other = await open(); // a second tab, with a session of its own
  const page = await open();
  await exerciseDemo(page, {
    host: 'browser',
    clipboard: true,
    screenshot: async () => {
      fs.mkdirSync(path.join(here, 'screenshots'), { recursive: true });
      await page.screenshot({ path: path.join(here, 'screenshots', 'demo.png') });
    },
  });
  // After "y": this tab's session ended; the host serves the other tab, and a reload.
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('Session ended'), null, { timeout: 10_000 });
  assert.equal(await statusOf(page), 'Session ended. Reload the page for a new one.');
  // The other tab has been in the background: bring it forward and give its terminal the
  // focus, as a user clicking into it does (key presses go to the focused element).
  await other.bringToFront();
  await other.locator('#terminal').focus();
  assert.equal(await run(other, 'echo the other tab'), 'the other tab\n');
  await page.bringToFront();
  await page.reload();
  await page.locator('#terminal').focus();
  await waitForTranscript(page, (text) => text.endsWith('> '), 'the first prompt after a reload');
  assert.equal(await run(page, 'echo a new session'), 'a new session\n');
  assert.equal(host.child.exitCode, null, 'the host stopped after one session quit');

  // Ctrl-C stops the host, and every open tab says so.
  host.child.kill('SIGINT');
  for (const tab of [page, other]) {
    await tab.waitForFunction(() => document.body.classList.contains('closed'), null, { timeout: 10_000 });
    assert.equal(await statusOf(tab), 'The demo host has stopped.');
  }
  const exit = await host.exited;
  assert.equal(exit.code, 0, `the browser host exited with ${exit.code ?? exit.signal}:\n${exit.out}\n${exit.err}`);
  assert.match(exit.out, /a session quit; still serving/);
  assert.match(exit.out, /the host stopped/);
  assert.deepEqual(problems, []);
  const png = fs.readFileSync(path.join(here, 'screenshots', 'demo.png'));
  assert.ok(png.length > 5_000 && png.subarray(1, 4).toString() === 'PNG', 'a PNG screenshot was saved');
});

test('browser host: 300 commands pasted at once are all run, and the transcript stays quick to draw', { skip, timeout: 180_000 }, async (t) => {
  const host = startHost();
  t.after(() => host.child.kill());
  const url = await host.url;
  const { open, problems } = await openBrowser(t, url);
  const page = await open();
  const before = await finishedLines(page);
  const started = Date.now();
  await page.locator('#input').evaluate((input) => {
    const data = new DataTransfer();
    data.setData('text/plain', 'help\n'.repeat(300) + 'echo done\n');
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await waitForTranscript(page, (text) => text.endsWith('> echo done\ndone\n> '), 'the last pasted command', 60_000);
  const ms = Date.now() - started;
  const lines = (await finishedLines(page)) - before;
  const shown = (await transcript(page)).split('\n').length;
  console.log(`# 300 pasted helps drawn in ${ms} ms: ${lines} lines, the last ${shown} shown`);
  assert.ok(lines >= 300 * 10, `${lines} lines for 300 helps`);
  assert.ok(shown <= 2001, `${shown} lines kept in the page`);
  const t0 = Date.now();
  assert.equal(await run(page, 'echo still quick'), 'still quick\n');
  console.log(`# a command typed after them: ${Date.now() - t0} ms`);
  assert.deepEqual(problems, []);
});
