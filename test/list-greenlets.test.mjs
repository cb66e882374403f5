// listGreenlets(): every live greenlet of this thread with its state, what it waits on
// and its JavaScript stack. A parked greenlet's stack is read by its own thread, woken
// for that without running any of its code (native/core_debug.cc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  Greenlet,
  Channel,
  getCurrent,
  listGreenlets,
  onMain,
  settrace,
  sleep,
  spawn,
  waitFor,
} from 'tendril';

/** The first frame of a stack: "fn (file:line:col)" → "fn". */
const top = (stack) => /^ {4}at (\S+)/.exec(stack)?.[1];
const find = (list, greenlet) => list.find((info) => info.greenlet === greenlet);

test('from the main greenlet: main is running, each parked greenlet shows where it parked and on what', async () => {
  const channel = new Channel();
  const never = new Promise(() => {});
  function parksInSwitch() {
    Greenlet.main.switch();
  }
  function sleeps() {
    sleep(60_000);
  }
  function receives() {
    return channel.receive();
  }
  function awaits() {
    return waitFor(never);
  }
  const plain = new Greenlet(parksInSwitch);
  plain.switch();
  const tasks = [spawn(sleeps), spawn(receives), spawn(awaits)];
  await new Promise((resolve) => setImmediate(resolve)); // the tasks start and park

  const list = listGreenlets();
  assert.equal(list[0].greenlet, Greenlet.main);
  assert.equal(list[0].state, 'running');
  assert.equal(list[0].waitingIn, null);
  assert.match(list[0].stack, /list-greenlets\.test\.mjs/);

  const shown = (greenlet) => {
    const info = find(list, greenlet);
    assert.ok(info, 'not listed');
    return [info.state, info.waitingIn, top(info.stack)];
  };
  assert.deepEqual(shown(plain), ['suspended', null, 'parksInSwitch']);
  assert.deepEqual(shown(tasks[0].greenlet), ['waiting', 'sleep()', 'sleeps']);
  assert.deepEqual(shown(tasks[1].greenlet), ['waiting', 'Channel.receive()', 'receives']);
  assert.deepEqual(shown(tasks[2].greenlet), ['waiting', 'waitFor()', 'awaits']);
  assert.equal(find(list, tasks[0].greenlet).waitingOn, 60_000);
  assert.equal(find(list, tasks[1].greenlet).waitingOn, channel);
  assert.equal(find(list, tasks[2].greenlet).waitingOn, never);
  // tendril's own frames are left out at both ends: no boot(), no switch internals.
  for (const info of list.slice(1)) assert.doesNotMatch(info.stack, /dist[/\\]main[/\\]/, info.stack);
  // Started order, after main.
  assert.deepEqual(
    list.map((info) => info.greenlet),
    [Greenlet.main, plain, ...tasks.map((t) => t.greenlet)],
  );

  for (const task of tasks) task.kill();
  plain.throw();
  await Promise.all(tasks.map((t) => t.promise));
  assert.deepEqual(listGreenlets().map((info) => info.greenlet), [Greenlet.main]);
});

test('from a greenlet: it is running, main is suspended in the switch that started it, a parked sibling keeps its stack', async () => {
  function sibling() {
    Greenlet.main.switch();
  }
  const other = new Greenlet(sibling);
  other.switch();
  const seen = await spawn(function lister() {
    const list = listGreenlets();
    return list.map((info) => [info === find(list, getCurrent()) ? 'self' : top(info.stack) ?? '(none)', info.state]);
  }).promise;
  assert.deepEqual(seen[1], ['sibling', 'suspended']);
  assert.deepEqual(seen[2], ['self', 'running']);
  assert.equal(seen[0][1], 'suspended'); // main, parked where the event loop started the task
  other.throw();
});

test('reading stacks runs none of the parked greenlets\' code and leaves every one where it was', () => {
  let tracerCalls = 0;
  const previous = settrace(() => tracerCalls++);
  const log = [];
  const greenlets = Array.from({ length: 20 }, (_, i) => {
    const g = new Greenlet(function parked() {
      for (;;) log.push(`${i} ${Greenlet.main.switch()}`);
    });
    g.switch();
    return g;
  });
  tracerCalls = 0;
  for (let round = 0; round < 5; round++) {
    const list = listGreenlets();
    assert.equal(list.length, 21);
    for (const info of list.slice(1)) assert.equal(top(info.stack), 'parked');
  }
  assert.equal(tracerCalls, 0);
  assert.deepEqual(log, []);
  greenlets.forEach((g, i) => g.switch(`value ${i}`));
  assert.deepEqual(log, greenlets.map((_, i) => `${i} value ${i}`));
  settrace(previous);
  for (const g of greenlets) g.throw();
});

test('inside an onMain() call the caller is listed waiting in onMain(), on the function', async () => {
  let list;
  function callsMain() {
    const work = () => {
      list = listGreenlets();
      return 1;
    };
    return onMain(work);
  }
  const task = spawn(callsMain);
  await task.promise;
  const caller = find(list, task.greenlet);
  assert.equal(caller.state, 'waiting');
  assert.equal(caller.waitingIn, 'onMain()');
  assert.equal(typeof caller.waitingOn, 'function');
  assert.equal(top(caller.stack), 'callsMain');
  assert.equal(list[0].state, 'running');
});

test('a deep stack in a greenlet is listed innermost first', () => {
  function level(n) {
    if (n === 0) return Greenlet.main.switch();
    return level(n - 1) + 0;
  }
  const g = new Greenlet(function deep() {
    return level(5);
  });
  g.switch();
  const lines = find(listGreenlets(), g).stack.trimEnd().split('\n');
  assert.deepEqual(
    lines.map((line) => top(line + '\n')),
    ['level', 'level', 'level', 'level', 'level', 'level', 'deep'],
  );
  assert.match(lines[0], /list-greenlets\.test\.mjs:\d+:\d+\)$/);
  g.throw();
});

test('each worker thread lists its own greenlets', () => {
  const file = fileURLToPath(new URL('./fixtures/list-worker.js', import.meta.url));
  const child = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(child.stdout.trim().split('\n'), ['worker: running, inWorker', 'main: running, inMain']);
});
