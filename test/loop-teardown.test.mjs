// Teardown while greenlets wait in the event-loop layer (child processes running
// test/fixtures/loop-teardown.js), and how errors nobody catches surface
// (test/fixtures/loop-unhandled.js): like unhandled promise rejections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function run(name, mode, { ulimitV } = {}) {
  const child =
    ulimitV === undefined
      ? spawnSync(process.execPath, [fixture(name), mode], { encoding: 'utf8', timeout: 20_000 })
      : spawnSync('bash', ['-c', `ulimit -v ${ulimitV} && exec "$0" "$1" "$2"`, process.execPath, fixture(name), mode], {
          encoding: 'utf8',
          timeout: 20_000,
        });
  assert.equal(child.error, undefined, `${name} ${mode} did not finish: ${child.error}`);
  return { code: child.status, signal: child.signal, stdout: child.stdout, stderr: child.stderr };
}

const lines = (text) => text.split('\n').filter((l) => l !== '');

// The core kills suspended greenlets at exit in reverse start order: the plain greenlet
// started first (synchronously), the tasks after it, in spawn order.
const killedAtExit = (first) => [
  'joiner caught GreenletExit',
  'finally joiner',
  'receiver caught GreenletExit',
  'finally receiver',
  'promise caught GreenletExit',
  'finally promise',
  `${first} caught GreenletExit`,
  `finally ${first}`,
  'plain caught GreenletExit',
  'finally plain',
];

test('process.exit(0) from a timer while greenlets wait in sleep, waitFor, receive and join: code 0, every finally runs', () => {
  const r = run('loop-teardown.js', 'exit-from-timer');
  assert.equal(r.stderr, '');
  assert.deepEqual(lines(r.stdout), ['all waiting', ...killedAtExit('sleeper'), 'exit 0']);
  assert.equal(r.code, 0);
});

test('natural exit once the loop has nothing left while greenlets wait: code 0, every finally runs', () => {
  const r = run('loop-teardown.js', 'natural');
  assert.equal(r.stderr, '');
  assert.deepEqual(lines(r.stdout), ['all waiting', ...killedAtExit('unref-timer'), 'exit 0']);
  assert.equal(r.code, 0);
});

test('a killed sleep clears its timer: the process ends by itself right after the kill', () => {
  const t0 = Date.now();
  const r = run('loop-teardown.js', 'killed-sleeper');
  assert.equal(r.stderr, '');
  assert.deepEqual(lines(r.stdout), ['sleeper caught GreenletExit', 'finally sleeper', 'killed, dead=true', 'exit 0']);
  assert.equal(r.code, 0);
  assert.ok(Date.now() - t0 < 10_000);
});

test('process.exit(0) called inside a task while another waits: code 0, the waiter unwinds', () => {
  const r = run('loop-teardown.js', 'exit-in-task');
  assert.equal(r.stderr, '');
  assert.deepEqual(lines(r.stdout), ['task calls process.exit(0)', 'other caught GreenletExit', 'finally other', 'exit 0']);
  assert.equal(r.code, 0);
});

test("a task error nobody handles reaches process.on('unhandledRejection') as task.promise's rejection", () => {
  const r = run('loop-unhandled.js', 'task-listener');
  assert.equal(r.stderr, '');
  assert.deepEqual(lines(r.stdout), ['unhandledRejection: same error true, task.promise true', 'still running after the error']);
  assert.equal(r.code, 0);
});

for (const mode of ['task-default', 'task-sync-throw']) {
  test(`without a listener an unhandled task error ends the process as Node does (${mode})`, () => {
    const r = run('loop-unhandled.js', mode);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '', 'the process dies at the error, before its later timer');
    assert.match(r.stderr, new RegExp(`^Error: boom in ${mode}$`, 'm'));
  });
}

test('a plain greenlet that fails after a wake-up from the event loop: reported as an unhandled rejection', () => {
  const r = run('loop-unhandled.js', 'greenlet-listener');
  assert.equal(r.stderr, '');
  assert.deepEqual(lines(r.stdout), ['unhandledRejection: same error true, no task', 'still running after the error']);
  assert.equal(r.code, 0);
  const d = run('loop-unhandled.js', 'greenlet-default');
  assert.equal(d.code, 1);
  assert.equal(d.stdout, '');
  assert.match(d.stderr, /^Error: boom in greenlet-default$/m);
});

test('a joined, an awaited and a killed task raise no unhandled rejection', () => {
  for (const [mode, expected] of [
    ['joined', ['joiner caught the same error: true']],
    ['awaited', ['awaiter caught the same error: true']],
    ['killed', ['killed quietly, dead=true']],
  ]) {
    const r = run('loop-unhandled.js', mode);
    assert.equal(r.stderr, '', mode);
    assert.deepEqual(lines(r.stdout), expected, mode);
    assert.equal(r.code, 0, mode);
  }
});

test('a task whose thread the OS refuses (RLIMIT_AS) fails with the GreenletError; the others run', () => {
  const r = run('loop-unhandled.js', 'no-thread', { ulimitV: 4_000_000 });
  assert.equal(r.stderr, '');
  assert.deepEqual(lines(r.stdout), [
    'dead before start: 0; refused: true; running: true',
    'refused are unstarted: true; running are started: true',
    'all rejected with GreenletError: true',
    'killed the rest: true',
  ]);
  assert.equal(r.code, 0);
});
