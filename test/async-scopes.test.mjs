// A greenlet may switch away inside async scopes it entered itself (runInAsyncScope,
// bound callbacks, EventEmitterAsyncResource listeners): its frames leave Node's
// async-hooks stack while it is switched out and come back when it resumes, so nothing
// is corrupted and every async id, resource and hook stays right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  AsyncLocalStorage,
  AsyncResource,
  createHook,
  executionAsyncId,
  executionAsyncResource,
  triggerAsyncId,
} from 'node:async_hooks';
import { EventEmitterAsyncResource } from 'node:events';
import { Greenlet, GreenletError, onMain } from 'tendril';
import { nodeMajor, runFixture } from './helpers.mjs';

const require = createRequire(import.meta.url);
const affine = require('./affine-addon/build/Release/affine.node');

/** What async_hooks reports right now, compared against an AsyncResource. */
function inScopeOf(resource) {
  return (
    executionAsyncId() === resource.asyncId() &&
    triggerAsyncId() === resource.triggerAsyncId() &&
    executionAsyncResource() === resource
  );
}

function where() {
  return { id: executionAsyncId(), trigger: triggerAsyncId(), resource: executionAsyncResource() };
}

const later = (fn) => new Promise((resolve, reject) => setTimeout(() => {
  try {
    resolve(fn());
  } catch (error) {
    reject(error);
  }
}, 1));

/**
 * Records before/after hooks while `body` runs and checks that they nest: every after
 * closes the innermost open before (frames opened before recording began are ignored).
 * Returns the events of the ids in `ids()`.
 */
async function withNestedHooks(body, ids = () => []) {
  const events = [];
  const hook = createHook({
    before(id) {
      events.push(['before', id]);
    },
    after(id) {
      events.push(['after', id]);
    },
  }).enable();
  try {
    await body(events);
  } finally {
    hook.disable();
  }
  const open = [];
  const opened = new Set();
  for (const [kind, id] of events) {
    if (kind === 'before') {
      open.push(id);
      opened.add(id);
    } else if (opened.has(id)) {
      assert.equal(open.pop(), id, `after(${id}) must close the innermost open before`);
    }
  }
  const wanted = new Set(ids());
  return events.filter(([, id]) => wanted.has(id)).map(([kind, id]) => `${kind} ${id}`);
}

test('switching away inside nested scopes: ids, trigger ids and resources right after every switch', async () => {
  const outer = new AsyncResource('Outer');
  const inner = new AsyncResource('Inner');
  const seen = [];
  const g = new Greenlet(() => {
    outer.runInAsyncScope(() => {
      inner.runInAsyncScope(() => {
        for (let i = 0; i < 3; i++) {
          seen.push(inScopeOf(inner));
          Greenlet.main.switch();
        }
        seen.push(inScopeOf(inner));
      });
      seen.push(inScopeOf(outer));
      Greenlet.main.switch();
      seen.push(inScopeOf(outer));
    });
    return where();
  });
  const before = where();
  g.switch();
  assert.deepEqual(where(), before, 'the main greenlet is back in its own scope');
  // Resumed from a timer, a promise reaction, an immediate, a timer again.
  await later(() => {
    const timer = where();
    g.switch();
    assert.deepEqual(where(), timer);
  });
  await Promise.resolve().then(() => {
    const reaction = where();
    g.switch();
    assert.deepEqual(where(), reaction);
  });
  await new Promise((resolve) => setImmediate(() => {
    const immediate = where();
    g.switch();
    assert.deepEqual(where(), immediate);
    resolve();
  }));
  const end = await later(() => {
    const timer = where();
    const result = g.switch();
    assert.deepEqual(where(), timer);
    return { timer, result };
  });
  assert.deepEqual(seen, [true, true, true, true, true, true]);
  // Out of its own scopes, the greenlet ran in the scope of the timer that resumed it.
  assert.deepEqual(end.result, end.timer);
});

test('async_hooks: before/after stay paired and nested across switches inside scopes', async () => {
  const resource = new AsyncResource('Hooked');
  let g;
  const mine = await withNestedHooks(async () => {
    g = new Greenlet(() => {
      resource.runInAsyncScope(() => {
        Greenlet.main.switch();
        Greenlet.main.switch();
      });
    });
    g.switch();
    await later(() => g.switch());
    await later(() => g.switch());
  }, () => [resource.asyncId()]);
  assert.equal(g.dead, true);
  // Entered, set aside (after), taken up again twice (before ... after).
  const id = resource.asyncId();
  assert.deepEqual(mine, [`before ${id}`, `after ${id}`, `before ${id}`, `after ${id}`, `before ${id}`, `after ${id}`]);
});

test('AsyncLocalStorage: a store entered inside a scope survives the greenlet\'s switches', async () => {
  const als = new AsyncLocalStorage();
  const stores = [];
  const g = new Greenlet(() => {
    als.run('in g', () => {
      new AsyncResource('WithStore').runInAsyncScope(() => {
        stores.push(als.getStore());
        Greenlet.main.switch();
        stores.push(als.getStore());
      });
    });
  });
  als.run('main', () => g.switch());
  assert.equal(als.getStore(), undefined);
  await later(() => als.run('timer', () => {
    g.switch();
    stores.push(`timer sees ${als.getStore()}`);
  }));
  assert.deepEqual(stores, ['in g', 'in g', 'timer sees timer']);
});

test('two greenlets inside their own scopes switch straight to each other', () => {
  const a = new AsyncResource('A');
  const b = new AsyncResource('B');
  const seen = [];
  let ga;
  const gb = new Greenlet(() => {
    b.runInAsyncScope(() => {
      for (let i = 0; i < 3; i++) {
        seen.push(`b ${inScopeOf(b)}`);
        ga.switch();
      }
    });
  });
  ga = new Greenlet(() => {
    a.runInAsyncScope(() => {
      for (let i = 0; i < 3; i++) {
        seen.push(`a ${inScopeOf(a)}`);
        gb.switch();
      }
    });
    return where();
  });
  const before = where();
  const result = ga.switch();
  assert.deepEqual(seen, ['a true', 'b true', 'a true', 'b true', 'a true', 'b true']);
  assert.deepEqual(result, before);
  assert.deepEqual(where(), before);
});

test('an error thrown into a greenlet parked inside scopes unwinds them; so does its own error', async () => {
  const resource = new AsyncResource('Thrown');
  const boom = new Error('boom');
  const g = new Greenlet(() => {
    resource.runInAsyncScope(() => {
      try {
        Greenlet.main.switch();
      } finally {
        assert.ok(inScopeOf(resource), 'finally runs inside the scope');
      }
    });
  });
  g.switch();
  const id = resource.asyncId();
  const mine = await withNestedHooks(() =>
    later(() => {
      const timer = where();
      assert.throws(() => g.throw(boom), (e) => e === boom);
      assert.deepEqual(where(), timer);
    }), () => [id]);
  assert.deepEqual(mine, [`before ${id}`, `after ${id}`]);
  assert.equal(g.dead, true);

  const own = new Greenlet(() => {
    resource.runInAsyncScope(() => {
      Greenlet.main.switch();
      throw boom;
    });
  });
  own.switch();
  await later(() => {
    const timer = where();
    assert.throws(() => own.switch(), (e) => e === boom);
    assert.deepEqual(where(), timer);
  });
});

test('a greenlet may switch inside an AsyncResource.bind callback and an EventEmitterAsyncResource listener', async () => {
  const emitter = new EventEmitterAsyncResource({ name: 'Emitter' });
  const seen = [];
  emitter.on('tick', () => {
    seen.push(executionAsyncId() === emitter.asyncId);
    Greenlet.main.switch('parked in listener');
    seen.push(executionAsyncId() === emitter.asyncId);
  });
  const bound = AsyncResource.bind(() => {
    const id = executionAsyncId();
    Greenlet.main.switch('parked in bound');
    seen.push(executionAsyncId() === id);
  });
  const g = new Greenlet(() => {
    emitter.emit('tick');
    bound();
    return 'done';
  });
  assert.equal(g.switch(), 'parked in listener');
  assert.equal(await later(() => g.switch()), 'parked in bound');
  assert.equal(await later(() => g.switch()), 'done');
  assert.deepEqual(seen, [true, true, true]);
  emitter.emitDestroy();
});

test('onMain() inside a greenlet\'s own scope runs fn in that scope', () => {
  const resource = new AsyncResource('OnMain');
  const g = new Greenlet(() => resource.runInAsyncScope(() => onMain(() => inScopeOf(resource) && affine.mainThreadOnly(true))));
  assert.equal(g.switch(), true);
});

test('a callback native code called into a greenlet cannot be switched out of: GreenletError, nothing corrupted', async () => {
  let error = null;
  const g = new Greenlet(() => {
    affine.makeCallback(() => {
      try {
        Greenlet.main.switch('not reached');
      } catch (e) {
        error = e;
      }
    });
    return Greenlet.main.switch('after the callback');
  });
  await withNestedHooks(() => later(() => {
    assert.equal(g.switch(), 'after the callback');
  }));
  assert.ok(error instanceof GreenletError);
  assert.match(error.message, /native code called into this greenlet/);
  assert.equal(await later(() => g.switch('end')), 'end');
});

test('teardown: greenlets parked inside scopes at exit unwind them, nothing aborts', () => {
  for (const mode of ['natural', 'exit', 'uncaught']) {
    const { code, signal, stdout, stderr } = runFixture('async-scopes-exit.js', [mode]);
    assert.equal(signal, null, `${mode}: ${stderr}`);
    assert.doesNotMatch(stderr, /corrupted|Assertion|Aborted/);
    assert.equal(code, { natural: 0, exit: 3, uncaught: 1 }[mode], `${mode}: ${stderr}`);
    assert.match(stdout, /parked 3 greenlets inside scopes/);
    assert.match(stdout, /finally ok 0\nfinally ok 1\nfinally ok 2\n|finally ok 2\nfinally ok 1\nfinally ok 0\n/);
    assert.match(stdout, /hooks nested: true/);
  }
});

test('a greenlet parked inside a scope whose object is collected is killed inside its scope', () => {
  const { code, stdout, stderr } = runFixture('async-scopes-gc.js', [], { execArgv: ['--expose-gc'] });
  assert.equal(code, 0, stderr);
  assert.equal(stdout, 'finally in its scope: true\nhooks nested: true\n');
});

test('workers: switching inside scopes in a worker, and a worker ended with greenlets parked in them', () => {
  for (const mode of ['natural', 'terminate']) {
    const { code, signal, stdout, stderr } = runFixture('async-scopes-worker.js', [mode]);
    assert.equal(signal, null, stderr);
    assert.equal(code, 0, `${mode}: ${stderr}`);
    assert.doesNotMatch(stderr, /corrupted|Assertion|Aborted/);
    assert.match(stdout, /worker: in scope after switches true/);
    assert.match(stdout, /worker exit (0|1)\nmain in scope true\n/);
  }
});

test('without Node\'s internals (no inspector under the permission model) the switch is a GreenletError, not an abort', {
  skip: nodeMajor < 22 ? 'Node 20\'s permission model cannot load addons at all' : false,
}, () => {
  const { code, stdout, stderr } = runFixture('async-scopes-refused.js', [], {
    execArgv: ['--permission', '--allow-fs-read=*', '--allow-addons'],
  });
  assert.equal(code, 0, stderr);
  assert.equal(stdout, 'GreenletError: the inspector is unavailable\nfinished, still in scope: true\n');
});

test('random switching among greenlets at random scope depths (past the initial stack size), hooks on', async () => {
  let seed = 12345;
  const random = (n) => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const greenlets = [];
  let checks = 0;
  let wrong = 0;
  // Each greenlet nests scopes down to its own depth (up to 40: Node's id stack starts
  // with room for 16 and grows), switching to a random greenlet (or main) on every level
  // on the way down and on the way up.
  const hop = (index) => {
    const next = greenlets[random(greenlets.length)];
    if (next.dead || next === greenlets[index]) Greenlet.main.switch();
    else next.switch();
  };
  const body = (index) => () => {
    const target = 1 + random(40);
    const dive = (depth) => {
      const resource = new AsyncResource(`G${index}D${depth}`);
      resource.runInAsyncScope(() => {
        hop(index);
        checks++;
        if (!inScopeOf(resource)) wrong++;
        if (depth < target) dive(depth + 1);
        hop(index);
        checks++;
        if (!inScopeOf(resource)) wrong++;
      });
    };
    dive(1);
  };
  for (let i = 0; i < 12; i++) greenlets.push(new Greenlet(body(i)));
  const switchBack = (g) => {
    const outer = where();
    g.switch();
    assert.deepEqual(where(), outer);
  };
  await withNestedHooks(async () => {
    for (let round = 0; greenlets.some((g) => !g.dead); round++) {
      const g = greenlets[random(greenlets.length)];
      if (g.dead) continue;
      if (round % 3 === 0) await later(() => switchBack(g));
      else if (round % 3 === 1) await Promise.resolve().then(() => switchBack(g));
      else switchBack(g);
    }
  });
  assert.ok(checks > 200, `only ${checks} checks`);
  assert.equal(wrong, 0);
});
