// Parents: defaults, the setter and its errors, where results go, and greenlets that
// try to cross threads (clones, worker_threads).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { Greenlet, getCurrent, GreenletError, settrace, gettrace } from 'tendril';

const main = Greenlet.main;
const require = createRequire(import.meta.url);
const TENDRIL = require.resolve('tendril');

test('the default parent is the current greenlet', () => {
  const g = new Greenlet(() => {});
  assert.equal(g.parent, main);
  let inner;
  const outer = new Greenlet(() => {
    inner = new Greenlet(() => {});
  });
  outer.switch();
  assert.equal(inner.parent, outer);
});

test('new Greenlet(run, null | undefined) takes the current greenlet as parent', () => {
  assert.equal(new Greenlet(() => {}, null).parent, main);
  assert.equal(new Greenlet(() => {}, undefined).parent, main);
  assert.equal(new Greenlet(undefined, null).parent, main);
  const made = [];
  const g = new Greenlet(() => {
    made.push(new Greenlet(() => {}, null), new Greenlet(() => {}, undefined), new Greenlet());
  });
  g.switch();
  assert.equal(made.length, 3);
  for (const m of made) assert.equal(m.parent, g);
});

test('an explicit parent in the constructor is kept and receives the result', () => {
  const p = new Greenlet(() => {
    const v = main.switch('p parked');
    return ['p got', v];
  });
  p.switch();
  let child;
  const other = new Greenlet(() => {
    child = new Greenlet(() => 'child result', p);
    assert.equal(child.parent, p);
    return child.switch();
  });
  // other starts child; child returns to p (its parent), p returns to main.
  assert.deepEqual(other.switch(), ['p got', 'child result']);
  assert.equal(other.active, true, 'other never got the result');
});

test('a non-greenlet parent in the constructor is a TypeError', () => {
  const fakes = [
    42,
    'main',
    true,
    {},
    [],
    () => {},
    Symbol('g'),
    Object.create(Greenlet.prototype),
    structuredClone(main),
    { ...main },
  ];
  for (const fake of fakes) {
    let calls = 0;
    assert.throws(
      () =>
        new Greenlet(() => {
          calls++;
        }, fake),
      TypeError,
      `parent ${String(typeof fake)} ${Object.prototype.toString.call(fake)}`,
    );
    assert.equal(calls, 0);
  }
});

test('the parent is settable', () => {
  const a = new Greenlet(() => {});
  const b = new Greenlet(() => {});
  assert.equal(b.parent, main);
  b.parent = a;
  assert.equal(b.parent, a);
  b.parent = main;
  assert.equal(b.parent, main);
  b.parent = a;
  // a finished greenlet can be a parent; a result goes on to its parent
  const d = new Greenlet(() => 'd');
  d.switch();
  const g = new Greenlet(() => 'g result');
  g.parent = d;
  assert.equal(g.parent, d);
  assert.equal(g.switch(), 'g result');
});

test('setting a non-greenlet parent is a TypeError and leaves the parent unchanged', () => {
  const p = new Greenlet(() => {});
  const g = new Greenlet(() => {}, p);
  for (const fake of [42, 'x', {}, null, undefined, Object.create(Greenlet.prototype), structuredClone(p)]) {
    assert.throws(
      () => {
        g.parent = fake;
      },
      TypeError,
      String(fake),
    );
    assert.equal(g.parent, p);
  }
});

test('a parent cycle throws GreenletError and leaves the parent unchanged', () => {
  const a = new Greenlet(() => {});
  const b = new Greenlet(() => {}, a);
  const c = new Greenlet(() => {}, b);
  assert.throws(() => {
    a.parent = a;
  }, GreenletError);
  assert.equal(a.parent, main);
  assert.throws(() => {
    a.parent = b;
  }, GreenletError);
  assert.equal(a.parent, main);
  assert.throws(() => {
    a.parent = c;
  }, GreenletError);
  assert.equal(a.parent, main);
  // not a cycle: moving c under a directly
  c.parent = a;
  assert.equal(c.parent, a);
  assert.throws(() => {
    b.parent = b;
  }, GreenletError);
  assert.equal(b.parent, a);
});

test('a cycle through a running greenlet is refused too', () => {
  const errors = [];
  const g = new Greenlet(() => {
    const child = new Greenlet(() => {});
    try {
      getCurrent().parent = child;
    } catch (e) {
      errors.push(e);
    }
    return getCurrent().parent;
  });
  assert.equal(g.switch(), main);
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof GreenletError);
});

test("setting the main greenlet's parent throws, whatever the value", () => {
  // python-greenlet raises the same AttributeError("cannot set the parent of a main
  // greenlet") for every value, None included; tendril maps such misuse (like setting
  // run after start) to GreenletError.
  for (const value of [null, undefined, main, new Greenlet(() => {})]) {
    assert.throws(
      () => {
        main.parent = value;
      },
      GreenletError,
    );
    assert.equal(main.parent, null);
  }
});

test('reparenting a running greenlet: its result goes to the new parent', () => {
  const p = new Greenlet(() => {
    const v = main.switch('p parked');
    return ['p got', v];
  });
  assert.equal(p.switch(), 'p parked');
  const g = new Greenlet(() => {
    getCurrent().parent = p;
    assert.equal(getCurrent().parent, p);
    return 'from g';
  });
  assert.deepEqual(g.switch(), ['p got', 'from g']);
  assert.equal(p.dead, true);
});

test('reparenting a running greenlet: its error goes to the new parent', () => {
  const err = new Error('late');
  const p = new Greenlet(() => {
    try {
      main.switch('p parked');
    } catch (e) {
      return ['p caught', e];
    }
  });
  p.switch();
  const g = new Greenlet(() => {
    getCurrent().parent = p;
    throw err;
  });
  const r = g.switch();
  assert.equal(r[0], 'p caught');
  assert.equal(r[1], err);
});

test('the parent at death time receives the result, not the parent at creation', () => {
  const log = [];
  const p1 = new Greenlet(() => {
    log.push(['p1', main.switch('p1 parked')]);
    return 'p1 end';
  });
  const p2 = new Greenlet(() => {
    log.push(['p2', main.switch('p2 parked')]);
    return 'p2 end';
  });
  p1.switch();
  p2.switch();
  const g = new Greenlet(() => main.switch('g parked') + ' then died', p1);
  assert.equal(g.switch(), 'g parked');
  g.parent = p2; // reparented while suspended
  assert.equal(g.switch('g'), 'p2 end');
  assert.deepEqual(log, [['p2', 'g then died']]);
  assert.equal(p1.active, true);
  assert.equal(p1.switch('bye'), 'p1 end');
});

test('a child reparented to an unstarted greenlet starts it with its result', () => {
  const q = new Greenlet((...args) => ['q ran', args]);
  const g = new Greenlet(() => main.switch('parked') * 2);
  g.switch();
  g.parent = q;
  assert.deepEqual(g.switch(21), ['q ran', [42]]);
});

test('a clone of a greenlet is not a greenlet: TypeError from switch, throw, getters, parent', () => {
  const g = new Greenlet(() => 'real');
  const clones = [
    structuredClone(g),
    { ...g },
    Object.create(Greenlet.prototype),
    Object.assign(Object.create(Greenlet.prototype), g),
    Object.setPrototypeOf(structuredClone(main), Greenlet.prototype),
  ];
  const proto = Greenlet.prototype;
  const getter = (name) => Object.getOwnPropertyDescriptor(proto, name).get;
  for (const clone of clones) {
    assert.notEqual(clone, g);
    assert.throws(() => proto.switch.call(clone), TypeError);
    assert.throws(() => proto.throw.call(clone, new Error('x')), TypeError);
    assert.throws(() => getter('dead').call(clone), TypeError);
    assert.throws(() => getter('parent').call(clone), TypeError);
    assert.throws(() => {
      g.parent = clone;
    }, TypeError);
    assert.throws(() => new Greenlet(() => {}, clone), TypeError);
  }
  assert.equal(g.parent, main);
  assert.equal(g.started, false, 'no clone started the original');
  assert.equal(g.switch(), 'real');
});

function runWorker(code, { onStart, ...options } = {}) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');\n` +
        `const tendril = require(${JSON.stringify(TENDRIL)});\n${code}`,
      { eval: true, ...options },
    );
    const messages = [];
    let error = null;
    worker.on('message', (m) => messages.push(m));
    worker.on('error', (e) => {
      error = e;
    });
    worker.on('exit', (code) => resolve({ code, messages, error, worker }));
    if (onStart) onStart(worker);
    worker.on('messageerror', reject);
  });
}

test('a greenlet posted from a worker arrives as a plain object that tendril rejects', async () => {
  const { code, messages, error } = await runWorker(`
    const { Greenlet } = tendril;
    const g = new Greenlet(() => Greenlet.main.switch('parked'));
    g.switch();
    const fresh = new Greenlet(() => {});
    let postError = null;
    try {
      parentPort.postMessage({ g, fresh, main: Greenlet.main });
    } catch (e) {
      postError = String(e);
    }
    parentPort.postMessage({ postError });
  `);
  assert.equal(error, null);
  assert.equal(code, 0);
  assert.equal(messages.length, 2);
  assert.equal(messages[1].postError, null);
  const { g, fresh, main: workerMain } = messages[0];
  const proto = Greenlet.prototype;
  for (const foreign of [g, fresh, workerMain]) {
    assert.equal(foreign instanceof Greenlet, false);
    assert.notEqual(foreign, main);
    assert.throws(() => proto.switch.call(foreign, 'x'), TypeError);
    assert.throws(() => proto.throw.call(foreign), TypeError);
    const mine = new Greenlet(() => 'mine');
    assert.throws(() => {
      mine.parent = foreign;
    }, TypeError);
    assert.equal(mine.parent, main);
    assert.throws(() => new Greenlet(() => {}, foreign), TypeError);
    const adopted = Object.setPrototypeOf(foreign, proto);
    assert.throws(() => adopted.switch(), TypeError);
    assert.equal(mine.switch(), 'mine');
  }
});

test("a main-thread greenlet posted to a worker is rejected there with TypeError", async () => {
  const g = new Greenlet(() => main.switch('parked'));
  g.switch();
  const { code, messages, error } = await runWorker(
    `
    const { Greenlet } = tendril;
    const proto = Greenlet.prototype;
    const results = [];
    for (const foreign of [workerData.g, workerData.main]) {
      const r = {};
      for (const [name, fn] of Object.entries({
        switch: () => proto.switch.call(foreign),
        throw: () => proto.throw.call(foreign, new Error('x')),
        parent: () => { new Greenlet(() => {}).parent = foreign; },
        ctor: () => new Greenlet(() => {}, foreign),
      })) {
        try { fn(); r[name] = 'no error'; } catch (e) { r[name] = e.constructor.name; }
      }
      results.push(r);
    }
    parentPort.postMessage(results);
  `,
    { workerData: { g, main } },
  );
  assert.equal(error, null);
  assert.equal(code, 0);
  assert.deepEqual(messages, [
    [
      { switch: 'TypeError', throw: 'TypeError', parent: 'TypeError', ctor: 'TypeError' },
      { switch: 'TypeError', throw: 'TypeError', parent: 'TypeError', ctor: 'TypeError' },
    ],
  ]);
  assert.equal(g.switch('done'), 'done');
});

test('a worker has its own main greenlet, switching works there, and it exits 0', async () => {
  // A tracer is set in this thread while the worker runs. (Its calls are not checked:
  // while this thread awaits, the kill of an orphaned greenlet left by an earlier test
  // may legitimately be traced here.)
  const mainTracer = () => {};
  const previous = settrace(mainTracer);
  try {
    const { code, messages, error } = await runWorker(`
      const { Greenlet, getCurrent, gettrace, settrace, GreenletExit } = tendril;
      const main = Greenlet.main;
      const out = {};
      out.tracerInWorker = gettrace();
      out.mainFlags = [main.isMain, main.parent, main.started, main.active, main.dead, getCurrent() === main];
      const events = [];
      settrace((event, origin, target) => events.push(event));
      const log = [];
      const g = new Greenlet((a, b) => {
        log.push(getCurrent() === g, getCurrent() !== main, g.parent === main);
        let v = main.switch(a + b);
        while (v !== 'stop') v = main.switch(v * 2);
        return 'g done';
      });
      const values = [g.switch(1, 2)];
      for (let i = 1; i <= 100; i++) values.push(g.switch(i));
      values.push(g.switch('stop'));
      settrace(null);
      out.events = events.length;
      out.values = values;
      out.log = log;
      out.dead = g.dead;
      // nested greenlets in the worker
      const a = new Greenlet(() => {
        const b = new Greenlet(() => main.switch('b to grandparent'));
        b.switch();
        return 'a end';
      });
      out.nested = [a.switch(), a.active];
      out.thrown = new Greenlet(() => main.switch()).throw() instanceof GreenletExit;
      parentPort.postMessage(out);
    `);
    assert.equal(error, null);
    assert.equal(code, 0);
    assert.equal(messages.length, 1);
    const out = messages[0];
    assert.equal(out.tracerInWorker, null, "the main thread's tracer is not the worker's");
    assert.deepEqual(out.mainFlags, [true, null, true, true, false, true]);
    const expected = [3];
    for (let i = 1; i <= 100; i++) expected.push(i * 2);
    expected.push('g done');
    assert.deepEqual(out.values, expected);
    assert.deepEqual(out.log, [true, true, true]);
    assert.equal(out.dead, true);
    // 1 start + 100 resumes + 'stop' resume = 102 switches into g, 102 back to main
    assert.equal(out.events, 204);
    assert.deepEqual(out.nested, ['b to grandparent', true]);
    assert.equal(out.thrown, true);
    assert.equal(gettrace(), mainTracer, "the worker's settrace(null) did not clear this thread's tracer");
  } finally {
    settrace(previous);
  }
  assert.equal(gettrace(), previous);
});

test('greenlets switch in two workers and the main thread at the same time', async () => {
  const code = `
    const { Greenlet } = tendril;
    const main = Greenlet.main;
    const gs = [];
    for (let k = 0; k < 10; k++) {
      gs.push(new Greenlet((seed) => {
        let acc = seed;
        for (;;) acc = acc + main.switch(acc);
      }));
    }
    let sum = 0;
    gs.forEach((g, k) => { sum += g.switch(k); });
    for (let round = 0; round < 200; round++) {
      for (const g of gs) sum += g.switch(1);
    }
    parentPort.postMessage(sum);
  `;
  const pending = [runWorker(code), runWorker(code)];
  // meanwhile, the main thread switches too
  const g = new Greenlet(() => {
    let n = 0;
    for (;;) n += main.switch(n);
  });
  g.switch();
  let last = 0;
  for (let i = 0; i < 2000; i++) last = g.switch(1);
  assert.equal(last, 2000);
  const results = await Promise.all(pending);
  // each greenlet k returns k + (number of 1s received so far) on every switch
  let expected = 0;
  for (let k = 0; k < 10; k++) {
    expected += k;
    for (let r = 1; r <= 200; r++) expected += k + r;
  }
  for (const r of results) {
    assert.equal(r.error, null);
    assert.equal(r.code, 0);
    assert.deepEqual(r.messages, [expected]);
  }
});

test('a worker that ends with suspended greenlets kills them (finally runs) and exits 0', async () => {
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const { code, error } = await runWorker(
    `
    const { Greenlet, GreenletExit } = tendril;
    const flags = workerData.flags;
    const g = new Greenlet(() => {
      try {
        Greenlet.main.switch();
      } catch (e) {
        Atomics.store(flags, 1, e instanceof GreenletExit ? 1 : 2);
        throw e;
      } finally {
        Atomics.store(flags, 0, 1);
      }
    });
    g.switch();
  `,
    { workerData: { flags } },
  );
  assert.equal(error, null);
  assert.equal(code, 0);
  assert.equal(Atomics.load(flags, 0), 1, 'finally block ran at worker exit');
  assert.equal(Atomics.load(flags, 1), 1, 'it was killed with GreenletExit');
});

test('terminating a worker with suspended greenlets does not abort the process', async () => {
  const { code, error } = await runWorker(
    `
    const { Greenlet } = tendril;
    const gs = [];
    for (let i = 0; i < 5; i++) {
      const g = new Greenlet(() => { for (;;) Greenlet.main.switch(); });
      g.switch();
      gs.push(g);
    }
    parentPort.postMessage('ready');
    setInterval(() => { for (const g of gs) g.switch(); }, 1);
  `,
    {
      onStart(worker) {
        worker.once('message', () => setTimeout(() => worker.terminate(), 20));
      },
    },
  );
  assert.equal(error, null);
  assert.equal(code, 1, 'terminate() gives exit code 1');
  // and this thread's greenlets still work
  assert.equal(new Greenlet((x) => x + 1).switch(1), 2);
});

test('terminating a worker while one of its greenlets runs JS does not abort the process', async () => {
  const { code, error } = await runWorker(
    `
    const { Greenlet } = tendril;
    for (let i = 0; i < 3; i++) new Greenlet(() => { for (;;) Greenlet.main.switch(); }).switch();
    const busy = new Greenlet(() => {
      parentPort.postMessage('ready');
      for (;;) {}
    });
    busy.switch();
  `,
    {
      onStart(worker) {
        worker.once('message', () => setTimeout(() => worker.terminate(), 20));
      },
    },
  );
  assert.equal(error, null);
  assert.equal(code, 1);
  assert.equal(new Greenlet((x) => x * 3).switch(3), 9);
});

test('process.exit() inside a greenlet of a worker ends the worker with that code', async () => {
  const flags = new Int32Array(new SharedArrayBuffer(4));
  const { code, error } = await runWorker(
    `
    const { Greenlet } = tendril;
    const parked = new Greenlet(() => {
      try { Greenlet.main.switch(); } finally { Atomics.store(workerData.flags, 0, 1); }
    });
    parked.switch();
    new Greenlet(() => { process.exit(5); }).switch();
  `,
    { workerData: { flags } },
  );
  assert.equal(error, null);
  assert.equal(code, 5);
  assert.equal(Atomics.load(flags, 0), 1, "the parked greenlet's finally ran");
  assert.equal(new Greenlet(() => 'main thread fine').switch(), 'main thread fine');
});
