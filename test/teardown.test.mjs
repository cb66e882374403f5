// Processes and workers that end with greenlets alive: suspended greenlets get
// GreenletExit, their finally blocks run, carriers are joined, nothing aborts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixtures, runFixture } from './helpers.mjs';

const killed = ['stubborn caught GreenletExit', 'stubborn ends', 'finally b', 'finally a'];

test('natural exit kills suspended greenlets, innermost first, finally blocks run', () => {
  const { code, stdout, stderr } = runFixture('teardown.js', ['natural']);
  assert.equal(code, 0, stderr);
  assert.deepEqual(stdout.trim().split('\n'), ['main ends', ...killed, 'exit 0']);
});

test('process.exit(3) from the main greenlet keeps the code and runs finally blocks', () => {
  const { code, stdout } = runFixture('teardown.js', ['exit']);
  assert.equal(code, 3);
  assert.deepEqual(stdout.trim().split('\n'), [...killed, 'exit 3']);
});

test('process.exit(4) inside a greenlet exits cleanly; the others are killed first', () => {
  const { code, stdout, signal } = runFixture('teardown.js', ['exit-in-greenlet']);
  assert.equal(signal, null);
  assert.equal(code, 4);
  assert.deepEqual(stdout.trim().split('\n'), [...killed, 'exit 4']);
});

test('greenlets still work in a later exit listener', () => {
  const { code, stdout } = runFixture('teardown.js', ['throw-in-exit-handler']);
  assert.equal(code, 0);
  assert.deepEqual(stdout.trim().split('\n'), [...killed, 'exit 0', 'late greenlet in exit handler: late']);
});

test('an uncaught error from a greenlet reaches the parent and fails the process normally', () => {
  const { code, stdout, stderr } = runFixture('teardown.js', ['uncaught']);
  assert.equal(code, 1);
  assert.match(stderr, /Error: boom from greenlet/);
  assert.deepEqual(stdout.trim().split('\n'), [...killed, 'exit 1']);
});

for (const [mode, exitCode, lines] of [
  ['natural', 0, ['first switch: parked', 'own main: true', 'ends', 'finally parked']],
  ['exit', 5, ['first switch: parked', 'own main: true', 'finally parked']],
]) {
  test(`a worker that ends (${mode}) with a suspended greenlet runs its finally`, () => {
    const { code, stdout, stderr } = runFixture('worker-teardown.js', [mode]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(stdout.trim().split('\n'), [
      ...lines.map((l) => `worker: ${l}`),
      `worker exit ${exitCode}`,
      'main after worker: 42',
    ]);
  });
}

function threadCount() {
  return fs.readdirSync('/proc/self/task').length;
}

function runWorker(mode, log) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(fixtures, 'worker-teardown.js'), {
      workerData: mode,
      env: { ...process.env, TENDRIL_LOG: log },
    });
    worker.on('message', (m) => {
      if (m === 'ready') worker.terminate();
    });
    worker.on('error', reject);
    worker.on('exit', resolve);
  });
}

test('worker.terminate() with greenlets parked or running: no abort, every carrier joined', { skip: process.platform !== 'linux' && 'counts threads in /proc' }, async () => {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-')), 'log');
  await runWorker('natural', log);
  await new Promise((r) => setTimeout(r, 100));
  const baseline = threadCount();
  for (const mode of ['terminate-parked', 'terminate-running', 'natural', 'exit', 'terminate-running']) {
    const code = await runWorker(mode, log);
    assert.equal(code, mode === 'natural' ? 0 : mode === 'exit' ? 5 : 1, mode);
  }
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(threadCount(), baseline);
  // terminate() ends greenlets the way it ends the worker's own code: finally blocks do
  // not run (JavaScript cannot run any more); natural ends do run them.
  const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
  assert.equal(lines.filter((l) => l === 'finally parked').length, 3);
});
