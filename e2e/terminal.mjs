// Drives the demo's terminal page with real key presses (Playwright) and checks the
// transcript of every command. Shared by the browser-host and the Electron specs.
import assert from 'node:assert/strict';

/** Chromium flags for Debian's Chromium in a container (no GPU, no sandbox, no network). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const transcript = (page) => page.locator('#transcript').textContent();
const clockText = (page) => page.locator('#clock').textContent();

/** Waits until the transcript satisfies `check` (polling), returning it. */
export async function waitForTranscript(page, check, what, timeout = 15_000) {
  const end = Date.now() + timeout;
  let text = '';
  while (Date.now() < end) {
    text = await transcript(page);
    if (check(text)) return text;
    await page.waitForTimeout(25);
  }
  assert.fail(`timed out waiting for ${what}; the transcript is:\n${text}`);
}

/** How many lines the page has finished, shown or not (it keeps only the last ones). */
export const finishedLines = (page) => page.locator('#transcript').evaluate((t) => Number(t.dataset.lines ?? 0));

/**
 * Types `line` and Enter as key presses; waits for the next "> " prompt and returns what
 * the command printed (between its echoed line and that prompt).
 */
export async function run(page, line, { shown = line } = {}) {
  await page.keyboard.type(line, { delay: 15 });
  return enter(page, shown);
}

/** Presses Enter on the line being edited (shown as `shown`) and returns what the command printed. */
export async function enter(page, shown) {
  const lines = await finishedLines(page);
  await page.keyboard.press('Enter');
  const echoed = `> ${shown}\n`;
  let after = '';
  const end = Date.now() + 15_000;
  for (;;) {
    after = await transcript(page);
    if (after.endsWith('> ') && (await finishedLines(page)) > lines) break;
    if (Date.now() > end) assert.fail(`timed out waiting for the prompt after "${shown}"; the transcript is:\n${after}`);
    await page.waitForTimeout(25);
  }
  const start = after.lastIndexOf(echoed);
  assert.ok(start >= 0, `the command line "${shown}" was not echoed:\n${after.slice(-2000)}`);
  return after.slice(start + echoed.length, after.length - 2);
}

/** The line being edited, split at the cursor: [before it, under it, after it]. */
const cursorLine = (page) =>
  page.evaluate(() => ['before', 'cursor', 'after'].map((id) => document.getElementById(id).textContent));

/**
 * What a terminal window takes besides plain typing: a paste event (several lines at
 * once), Ctrl+V from the clipboard (`clipboard: true`, where the page may use it),
 * emoji and other non-ASCII text, an IME composition, line editing with the arrows,
 * Home, End, Backspace and Delete, and the command history (Up/Down).
 */
export async function exerciseInput(page, { clipboard = false } = {}) {
  // A paste event with two lines: each runs as a command.
  await page.locator('#input').evaluate((input) => {
    const data = new DataTransfer();
    data.setData('text/plain', 'echo pasted one\r\necho pasted two\r\n');
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await waitForTranscript(page, (t) => t.endsWith('> echo pasted one\npasted one\n> echo pasted two\npasted two\n> '), 'the pasted commands');

  if (clipboard) {
    await page.evaluate(() => navigator.clipboard.writeText('echo from the clipboard'));
    await page.keyboard.press('Control+V');
    await waitForTranscript(page, (t) => t.endsWith('> echo from the clipboard'), 'the text pasted with Ctrl+V');
    assert.equal(await enter(page, 'echo from the clipboard'), 'from the clipboard\n');
  }

  // Emoji, accents, other scripts: typed as text (Playwright inserts what the keyboard lacks).
  const text = 'héllo wörld ñ ç 👍🏽 🇫🇷 日本語 Ω';
  assert.equal(await run(page, `echo ${text}`), `${text}\n`);

  // An IME composition: nothing reaches the app until it is committed.
  const cdp = await page.context().newCDPSession(page);
  await page.keyboard.type('echo ', { delay: 15 });
  await waitForTranscript(page, (t) => t.endsWith('> echo '), 'the start of the line');
  await cdp.send('Input.imeSetComposition', { text: 'に', selectionStart: 1, selectionEnd: 1 });
  await cdp.send('Input.imeSetComposition', { text: 'にほん', selectionStart: 3, selectionEnd: 3 });
  await page.waitForTimeout(200);
  assert.ok((await transcript(page)).endsWith('> echo '), 'text still being composed was sent');
  await cdp.send('Input.insertText', { text: '日本' });
  await waitForTranscript(page, (t) => t.endsWith('> echo 日本'), 'the committed composition');
  assert.equal(await enter(page, 'echo 日本'), '日本\n');
  await cdp.detach();

  // Line editing: "echo wrold" becomes "echo big world" by hand.
  const press = async (...keys) => {
    for (const key of keys) await page.keyboard.press(key);
  };
  await page.keyboard.type('echo wrold', { delay: 15 });
  await press('ArrowLeft', 'ArrowLeft', 'ArrowLeft');
  await page.waitForFunction(() => document.getElementById('cursor').textContent === 'o');
  assert.deepEqual(await cursorLine(page), ['> echo wr', 'o', 'ld']);
  await press('Backspace', 'End', 'ArrowLeft', 'ArrowLeft'); // "echo wold", before "ld"
  await page.keyboard.type('r');
  await press('Home', 'Delete', 'Delete', 'Delete', 'Delete'); // " world"
  await page.keyboard.type('echo');
  await press('ArrowRight');
  await page.keyboard.type('big ');
  await waitForTranscript(page, (t) => t.endsWith('> echo big world'), 'the edited line');
  assert.deepEqual(await cursorLine(page), ['> echo big ', 'w', 'orld']);
  assert.equal(await enter(page, 'echo big world'), 'big world\n');

  // History: Up brings back earlier lines, Down goes forward again.
  await press('ArrowUp');
  await waitForTranscript(page, (t) => t.endsWith('> echo big world'), 'the last line again');
  await press('ArrowUp', 'ArrowUp', 'ArrowDown');
  await waitForTranscript(page, (t) => t.endsWith('> echo 日本'), 'two lines back');
  assert.equal(await enter(page, 'echo 日本'), '日本\n');
}

/** The whole session: every command, then the quit dialogue (n, then y). */
export async function exerciseDemo(page, { host, screenshot, onQuit, clipboard = false }) {
  await page.locator('#terminal').focus();
  await waitForTranscript(page, (t) => t.endsWith('> '), 'the first prompt');
  const first = await transcript(page);
  assert.match(first, new RegExp(`tendril demo \\(${host} host\\)`));
  // handle('info') (or the browser host's equivalent) answered from a greenlet.
  await page.waitForFunction(
    (name) => document.getElementById('info').textContent.includes(`${name} host`),
    host,
    { timeout: 10_000 },
  );
  assert.match(await page.locator('#info').textContent(), /^tendril \d+\.\d+\.\d+ · .*Node \d+/);

  const help = await run(page, 'help');
  for (const command of ['help', 'echo', 'sleep', 'ls', 'cat', 'ask', 'greenlets', 'quit']) {
    assert.match(help, new RegExp(`^  ${command}\\b`, 'm'), `help lists ${command}`);
  }

  assert.equal(await run(page, 'echo hello greenlets'), 'hello greenlets\n');

  // Backspace rubs out: "echx" ⌫ "o typo fixed" runs "echo typo fixed".
  await page.keyboard.type('echx', { delay: 15 });
  await page.keyboard.press('Backspace');
  assert.equal(await run(page, 'o typo fixed', { shown: 'echo typo fixed' }), 'typo fixed\n');

  const ls = await run(page, 'ls');
  assert.match(ls, /^hello\.txt\s+\d+ bytes$/m);
  assert.match(ls, /^notes\/$/m);
  assert.match(ls, /^README\.txt\s+\d+ bytes$/m);
  assert.match(await run(page, 'ls notes'), /^greenlets\.md\s+\d+ bytes$/m);
  assert.match(await run(page, 'ls ../..'), /outside the demo's files/);

  assert.match(await run(page, 'cat hello.txt'), /^Hello! This file was read by `cat`/);
  assert.match(await run(page, 'cat nope.txt'), /cat: nope\.txt: no such file/);
  assert.match(await run(page, 'cat ../../package.json'), /outside the demo's files/);

  assert.equal(await run(page, 'frobnicate'), 'Unknown command: frobnicate. Type help for the list.\n');

  // ask: a dialogue written as sequential code; a wrong answer asks again.
  const beforeAsk = (await transcript(page)).length;
  await page.keyboard.type('ask', { delay: 15 });
  await page.keyboard.press('Enter');
  await waitForTranscript(page, (t) => t.endsWith('What is your name? '), 'the first question');
  await page.keyboard.type('Ada', { delay: 15 });
  await page.keyboard.press('Enter');
  await waitForTranscript(page, (t) => t.endsWith('Hello, Ada! What is your favourite colour? '), 'the second question');
  await page.keyboard.type('green', { delay: 15 });
  await page.keyboard.press('Enter');
  await waitForTranscript(page, (t) => t.endsWith('Pick a number from 1 to 10: '), 'the third question');
  await page.keyboard.type('eleven', { delay: 15 });
  await page.keyboard.press('Enter');
  await waitForTranscript(
    page,
    (t) => t.endsWith('That is not a number from 1 to 10. Pick a number from 1 to 10: '),
    'the third question again',
  );
  await page.keyboard.type('7', { delay: 15 });
  await page.keyboard.press('Enter');
  const asked = await waitForTranscript(page, (t) => t.endsWith('> '), 'the prompt after ask');
  assert.match(asked.slice(beforeAsk), /Ada likes green, and 7 squared is 49\.\n> $/);

  const greenlets = await run(page, 'greenlets');
  assert.match(greenlets, /^main\s+suspended\s+runs the event loop/m);
  assert.match(greenlets, /^commands\s+running\s+this command$/m);
  assert.match(greenlets, /^clock\s+suspended\s+sleep\(\) until the next second$/m);
  assert.match(greenlets, /^process: \d+ greenlets? started and not finished, \d+ carrier threads?/m);

  // sleep 2: the command loop waits; the clock (another greenlet) keeps ticking.
  const beforeSleep = await transcript(page);
  const started = Date.now();
  await page.keyboard.type('sleep 2', { delay: 15 });
  await page.keyboard.press('Enter');
  await waitForTranscript(page, (t) => t.includes('Sleeping 2 s;', beforeSleep.length - 2), 'the sleep to start');
  const clockAtStart = await clockText(page);
  assert.match(clockAtStart, /^\d\d:\d\d:\d\d$/);
  let ticked = null;
  while (Date.now() - started < 5_000) {
    const [now, text] = [await clockText(page), await transcript(page)];
    if (now !== clockAtStart) {
      ticked = { now, sleeping: !text.includes('Slept 2 s.', beforeSleep.length) };
      break;
    }
    await page.waitForTimeout(50);
  }
  assert.ok(ticked !== null, `the clock never changed from ${clockAtStart}`);
  assert.ok(ticked.sleeping, 'the clock ticked while the command loop was still sleeping');
  // Keys typed during the sleep wait in the channel (type-ahead), like a terminal's.
  const slept = await waitForTranscript(page, (t) => t.endsWith('Slept 2 s.\n> '), 'the sleep to end');
  assert.ok(Date.now() - started >= 1_900, 'sleep 2 took about two seconds');
  assert.ok(slept.length > beforeSleep.length);

  if (screenshot) await screenshot();

  await exerciseInput(page, { clipboard });

  // quit: "Are you sure?" — n keeps going, y ends the app.
  await page.keyboard.type('quit', { delay: 15 });
  await page.keyboard.press('Enter');
  await waitForTranscript(page, (t) => t.endsWith('> quit\nAre you sure? [y/n] '), 'the quit question');
  await page.keyboard.press('n');
  await waitForTranscript(page, (t) => t.endsWith('Are you sure? [y/n] n\nOK, staying.\n> '), 'the "n" answer');
  assert.equal(await run(page, 'echo still here'), 'still here\n');
  await page.keyboard.type('quit', { delay: 15 });
  await page.keyboard.press('Enter');
  await waitForTranscript(page, (t) => t.endsWith('> quit\nAre you sure? [y/n] '), 'the quit question again');
  const quitting = onQuit?.();
  await page.keyboard.press('y');
  await waitForTranscript(page, (t) => t.endsWith('Are you sure? [y/n] y\nBye!\n'), '"Bye!"');
  return quitting;
}
