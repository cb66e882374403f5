// The demo's browser host (demo-app/browser/server.js) without a browser: which port it
// takes (`npm run demo --port N`, a busy port), and that one session's `quit` ends that
// session only, over the same WebSocket protocol the page speaks. The page itself is
// driven through Chromium in e2e/browser.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import WebSocket from 'ws';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = path.join(root, 'demo-app', 'browser', 'server.js');
const URL_LINE = /open (http:\/\/127\.0\.0\.1:(\d+)\/)/g;

/** A port that was free a moment ago. */
async function freePort() {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts `command`; `url` resolves once it printed its URL. */
function start(command, args) {
  // A process group of its own, as a terminal's foreground job: Ctrl-C is a SIGINT to it.
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const host = { child, out: '', err: '' };
  child.stderr.on('data', (d) => (host.out += d));
  host.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  host.url = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      host.out += d;
      const match = /open (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(host.out);
      if (match) resolve({ url: match[1], port: Number(match[2]) });
    });
    host.exited.then((r) => reject(new Error(`the host exited early (${r.code ?? r.signal}):\n${host.out}`)));
  });
  return host;
}

/** Ctrl-C in the host's terminal: SIGINT to its process group (npm, its shell, node). */
const interrupt = (host) => process.kill(-host.child.pid, 'SIGINT');
const killGroup = (host) => {
  try {
    process.kill(-host.child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
};

async function stop(host) {
  interrupt(host);
  const exit = await host.exited;
  assert.deepEqual(exit, { code: 0, signal: null }, host.out);
  assert.match(host.out, /tendril demo: the host stopped\./);
}

test('`npm run demo --port N` serves on port N (npm 11 passes the number on as an argument)', { timeout: 60_000 }, async (t) => {
  const port = await freePort();
  const host = start('npm', ['run', 'demo', '--port', String(port)]);
  t.after(() => killGroup(host));
  const { url } = await host.url;
  assert.equal(url, `http://127.0.0.1:${port}/`);
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<title>tendril demo<\/title>/);
  interrupt(host); // npm itself ends by the signal; the host stops cleanly
  await host.exited;
  assert.match(host.out, /tendril demo: the host stopped\./);
});

test('a busy port: the host says so and takes a free one, printing its URL once', { timeout: 30_000 }, async (t) => {
  const busy = net.createServer().listen(0, '127.0.0.1');
  await once(busy, 'listening');
  t.after(() => busy.close());
  const taken = busy.address().port;
  const host = start(process.execPath, [SERVER, '--port', String(taken)]);
  t.after(() => killGroup(host));
  const { port } = await host.url;
  assert.notEqual(port, taken);
  assert.match(host.out, new RegExp(`port ${taken} is busy, taking a free one`));
  await new Promise((resolve) => setTimeout(resolve, 200)); // a second URL line would come right after the first
  assert.equal([...host.out.matchAll(URL_LINE)].length, 1, host.out);
  await stop(host);
});

/** A page's side of the protocol: the events it receives, keys it sends. */
async function connect(port) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { origin: `http://127.0.0.1:${port}` });
  const session = { socket, output: '', closedWhy: null, waiters: [] };
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.type !== 'event') return;
    if (message.channel === 'output') session.output += message.args[0];
    if (message.channel === 'closed') session.closedWhy = message.args[0];
    for (const w of [...session.waiters]) w();
  });
  session.closed = new Promise((resolve) => socket.on('close', resolve));
  await once(socket, 'open');
  session.send = (text) => socket.send(JSON.stringify({ type: 'send', channel: 'key', args: [text] }));
  session.until = (check, what) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got:\n${session.output}`)), 10_000);
      const test = () => {
        if (!check(session)) return;
        clearTimeout(timer);
        session.waiters.splice(session.waiters.indexOf(test), 1);
        resolve();
      };
      session.waiters.push(test);
      test();
    });
  socket.send(JSON.stringify({ type: 'send', channel: 'ready', args: [true] }));
  await session.until((s) => s.output.endsWith('> '), 'the first prompt');
  return session;
}

test("one session's quit ends that session only; the host serves the others and new ones, and tells them when it stops", { timeout: 30_000 }, async (t) => {
  const host = start(process.execPath, [SERVER, '--port', '0']);
  t.after(() => killGroup(host));
  const { port } = await host.url;
  const first = await connect(port);
  const second = await connect(port);

  first.send('quit\n');
  await first.until((s) => s.output.endsWith('Are you sure? [y/n] '), 'the quit question');
  first.send('y');
  await first.until((s) => s.closedWhy === 'ended', "the 'ended' notice");
  await first.closed;
  assert.match(first.output, /Bye!\n$/);

  // A pasted line with an emoji, in the session that is still open, and a new session.
  second.send('echo still here 👍🏽\n');
  await second.until((s) => s.output.endsWith('still here 👍🏽\n> '), 'the echo in the other session');
  const third = await connect(port);
  third.send('echo a new one\n');
  await third.until((s) => s.output.endsWith('a new one\n> '), 'the echo in a new session');
  assert.match(host.out, /a session quit; still serving/);

  interrupt(host);
  await Promise.all([second.closed, third.closed]);
  assert.deepEqual([second.closedWhy, third.closedWhy], ['stopped', 'stopped']);
  const exit = await host.exited;
  assert.deepEqual(exit, { code: 0, signal: null }, host.out);
});
