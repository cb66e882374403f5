// spawn() → Task (join, promise, kill, dead) and asyncify(): greenlets started from the
// event loop, with real timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { Greenlet, GreenletError, GreenletExit, getCurrent, onMain, spawn, Task, asyncify, waitFor, sleep, Channel } from 'tendril';

test('spawn runs fn(...args) in a new greenlet, child of main, started after the current code', async () => {
  const log = [];
  const task = spawn(function (a, b) {
    log.push(`task ${a} ${b} this=${this} main=${getCurrent().isMain} parent=${getCurrent().parent === Greenlet.main}`);
    return a + b;
  }, 2, 3);
  log.push('after spawn');
  assert.ok(task instanceof Task);
  assert.equal(Object.prototype.toString.call(task), '[object Task]');
  assert.equal(task.dead, false);
  assert.equal(task.greenlet.started, false, 'not started synchronously');
  assert.equal(await task.promise, 5);
  assert.equal(task.dead, true);
  assert.equal(task.greenlet.dead, true);
  assert.deepEqual(log, ['after spawn', 'task 2 3 this=undefined main=false parent=true']);
  assert.throws(() => spawn(42), TypeError);
});

test('tasks spawned together start in spawn order and interleave at their waits', async () => {
  const log = [];
  const make = (name, steps) =>
    spawn(() => {
      for (let i = 0; i < steps; i++) {
        log.push(`${name}${i}`);
        sleep(0);
      }
      return name;
    });
  const tasks = [make('a', 3), make('b', 2), make('c', 3)];
  assert.deepEqual(await Promise.all(tasks.map((t) => t.promise)), ['a', 'b', 'c']);
  assert.deepEqual(log, ['a0', 'b0', 'c0', 'a1', 'b1', 'c1', 'a2', 'c2']);
});

test('join() in a greenlet returns the value or rethrows the very same error; in main it throws', async () => {
  const boom = new TypeError('task failed');
  const ok = spawn(() => {
    sleep(5);
    return { answer: 42 };
  });
  // It fails after the joiner started joining it: a failure nobody handles by then is
  // an unhandled rejection, exactly as with promises.
  const bad = spawn(() => {
    sleep(30);
    throw boom;
  });
  assert.throws(() => ok.join(), (e) => e instanceof GreenletError && /^Task\.join\(\) cannot wait in the main greenlet/.test(e.message));
  const joined = await asyncify(() => {
    const value = ok.join();
    let error = null;
    try {
      bad.join();
    } catch (e) {
      error = e;
    }
    // Joining an already finished task works too.
    return { value, error, again: ok.join() };
  })();
  assert.deepEqual(joined.value, { answer: 42 });
  assert.equal(joined.again, joined.value);
  assert.equal(joined.error, boom);
  await assert.rejects(bad.promise, (e) => e === boom);
});

test('a task cannot join itself', async () => {
  let task;
  task = spawn(() => {
    try {
      task.join();
      return 'joined itself?!';
    } catch (e) {
      return e instanceof GreenletError ? e.message : String(e);
    }
  });
  assert.match(await task.promise, /cannot join itself/);
});

test('kill() while the task sleeps: GreenletExit inside, finally runs, the task ends quietly with it', async () => {
  const log = [];
  const task = spawn(() => {
    try {
      log.push('sleeping');
      sleep(60_000);
      log.push('woke?!');
    } catch (e) {
      log.push(`caught ${e.constructor.name}`);
      throw e;
    } finally {
      log.push('finally');
    }
  });
  await delay(5);
  assert.deepEqual(log, ['sleeping']);
  assert.equal(task.kill(), undefined);
  assert.deepEqual(log, ['sleeping', 'caught GreenletExit', 'finally'], 'from main, kill() returns after the task handled it');
  assert.equal(task.dead, true);
  assert.equal(task.greenlet.dead, true);
  const value = await task.promise;
  assert.ok(value instanceof GreenletExit);
  task.kill(); // killing a dead task does nothing
  assert.deepEqual(log, ['sleeping', 'caught GreenletExit', 'finally']);
});

test('kill() while the task waits on a promise; the later settlement does not resume it', async () => {
  let resolve;
  const pending = new Promise((r) => (resolve = r));
  const log = [];
  const task = spawn(() => {
    try {
      log.push(`value ${waitFor(pending)}`);
    } finally {
      log.push('finally');
    }
    return 'returned';
  });
  await delay(1);
  task.kill();
  resolve('late value');
  await delay(10);
  assert.deepEqual(log, ['finally']);
  assert.ok((await task.promise) instanceof GreenletExit);
});

test('kill() before the task started: fn never runs', async () => {
  let ran = false;
  const task = spawn(() => {
    ran = true;
  });
  task.kill();
  assert.equal(task.dead, true);
  assert.ok((await task.promise) instanceof GreenletExit);
  await delay(5);
  assert.equal(ran, false);
  assert.equal(task.greenlet.started, false);
});

test('kill() from another greenlet waits until the task has ended', async () => {
  const log = [];
  const victim = spawn(() => {
    try {
      sleep(60_000);
    } finally {
      log.push('victim finally');
      sleep(20); // cleanup that itself waits
      log.push('victim cleanup done');
    }
  });
  const killer = spawn(() => {
    sleep(5);
    log.push('killing');
    victim.kill();
    log.push(`kill returned, victim dead=${victim.dead}`);
    log.push(`join of the killed task returns its GreenletExit: ${victim.join() instanceof GreenletExit}`);
    return 'killer done';
  });
  assert.equal(await killer.promise, 'killer done');
  assert.deepEqual(log, [
    'killing',
    'victim finally',
    'victim cleanup done',
    'kill returned, victim dead=true',
    'join of the killed task returns its GreenletExit: true',
  ]);
  assert.ok((await victim.promise) instanceof GreenletExit);
});

// Inside an onMain() call no switch can happen. Electron calls listeners inside such calls
// (appLoop's will-quit listener kills the app greenlet when it quits from inside it).
test('kill() from inside an onMain() call of the task waiting for that call: GreenletExit when the call returns', async () => {
  const log = [];
  let task;
  task = spawn(() => {
    try {
      const value = onMain(() => {
        task.kill();
        log.push('the call goes on');
        return 'value';
      });
      log.push(`call returned ${value}`);
    } catch (e) {
      log.push(`caught ${e instanceof GreenletExit ? 'GreenletExit' : e}`);
      throw e;
    } finally {
      log.push('finally');
    }
  });
  assert.ok((await task.promise) instanceof GreenletExit);
  assert.deepEqual(log, ['the call goes on', 'caught GreenletExit', 'finally']);
});

test('kill() from inside an onMain() call of another task: delivered once the call has returned', async () => {
  const log = [];
  const victim = spawn(() => {
    try {
      sleep(60_000);
    } finally {
      log.push('victim finally');
    }
  });
  const killer = spawn(() => {
    sleep(1);
    onMain(() => {
      victim.kill(); // returns at once: no switch inside the call
      log.push(`kill returned, victim dead=${victim.dead}`);
    });
    log.push('call returned');
    sleep(0);
    log.push(`victim dead=${victim.dead}`);
  });
  await killer.promise;
  assert.deepEqual(log, ['kill returned, victim dead=false', 'call returned', 'victim finally', 'victim dead=true']);
  assert.ok((await victim.promise) instanceof GreenletExit);
});

test('kill() of itself raises GreenletExit right there', async () => {
  const log = [];
  let task;
  task = spawn(() => {
    try {
      task.kill();
      log.push('after kill?!');
    } finally {
      log.push('finally');
    }
  });
  assert.ok((await task.promise) instanceof GreenletExit);
  assert.deepEqual(log, ['finally']);
});

test('a task that catches GreenletExit and waits again keeps running until it returns', async () => {
  const log = [];
  const task = spawn(() => {
    try {
      sleep(60_000);
    } catch (e) {
      log.push(`caught ${e.name}`);
    }
    sleep(10);
    log.push('still alive');
    return 'stubborn';
  });
  await delay(1);
  task.kill();
  assert.equal(task.dead, false);
  assert.deepEqual(log, ['caught GreenletExit']);
  assert.equal(await task.promise, 'stubborn');
  assert.deepEqual(log, ['caught GreenletExit', 'still alive']);
});

test('kill() while the task is itself joining another task', async () => {
  const log = [];
  const slow = spawn(() => {
    sleep(50);
    return 'slow';
  });
  const joiner = spawn(() => {
    try {
      return slow.join();
    } finally {
      log.push('joiner finally');
    }
  });
  await delay(5);
  joiner.kill();
  assert.ok((await joiner.promise) instanceof GreenletExit);
  assert.equal(slow.dead, false, 'killing the joiner does not touch the joined task');
  assert.equal(await slow.promise, 'slow');
  assert.deepEqual(log, ['joiner finally']);
});

test('kill() while the task waits in receive() on a channel', async () => {
  const ch = new Channel();
  const task = spawn(() => {
    try {
      return ch.receive();
    } finally {
      ch.send('sent from finally');
    }
  });
  await delay(1);
  task.kill();
  assert.ok((await task.promise) instanceof GreenletExit);
  assert.deepEqual(ch.tryReceive(), { ok: true, value: 'sent from finally' });
});

test('a task error is a rejection of task.promise with the very same object', async () => {
  const error = { not: 'an Error' };
  const task = spawn(() => {
    sleep(1);
    throw error;
  });
  await assert.rejects(task.promise, (e) => e === error);
  assert.equal(task.dead, true);
});

test('asyncify: a promise of the result, this and arguments kept, runs in a greenlet, rejects with the error', async () => {
  const obj = {
    base: 10,
    compute: asyncify(function (x, y) {
      assert.equal(getCurrent().isMain, false);
      sleep(5);
      if (x === 0) throw new RangeError('zero');
      return this.base + x * y;
    }),
  };
  assert.equal(typeof obj.compute, 'function');
  const p = obj.compute(3, 4);
  assert.ok(p instanceof Promise);
  assert.equal(await p, 22);
  await assert.rejects(obj.compute(0, 1), (e) => e instanceof RangeError && e.message === 'zero');
  assert.throws(() => asyncify('nope'), TypeError);
});

test('asyncify calls run concurrently, interleaving at their waits', async () => {
  const log = [];
  const worker = asyncify((name, ms) => {
    log.push(`${name} start`);
    sleep(ms);
    log.push(`${name} end`);
    return name;
  });
  const results = await Promise.all([worker('x', 100), worker('y', 10), worker('z', 55)]);
  assert.deepEqual(results, ['x', 'y', 'z']);
  assert.deepEqual(log, ['x start', 'y start', 'z start', 'y end', 'z end', 'x end']);
});

test('spawn from inside a greenlet: the new task is a child of main and starts from the event loop', async () => {
  const log = [];
  const outer = spawn(() => {
    const inner = spawn(() => {
      log.push(`inner parent is main: ${getCurrent().parent === Greenlet.main}`);
      sleep(5);
      return 'inner';
    });
    log.push('outer continues');
    const r = inner.join();
    log.push(`joined ${r}`);
    return r;
  });
  assert.equal(await outer.promise, 'inner');
  assert.deepEqual(log, ['outer continues', 'inner parent is main: true', 'joined inner']);
});
