// Switching and values: python-greenlet's switch() semantics, with DESIGN.md's
// mapping (a resume with no arguments returns undefined, one argument returns the
// argument itself, several return an array).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Greenlet, getCurrent } from 'tendril';

const main = Greenlet.main;

test('the first switch calls run with exactly the switch arguments', () => {
  const calls = [];
  const g = new Greenlet(function (...args) {
    calls.push({ args, length: arguments.length });
    return 'ran';
  });
  const obj = {};
  assert.equal(g.switch(1, 'two', obj), 'ran');
  assert.equal(calls.length, 1);
  assert.equal(calls[0].length, 3);
  assert.equal(calls[0].args[0], 1);
  assert.equal(calls[0].args[1], 'two');
  assert.equal(calls[0].args[2], obj);

  const none = [];
  const h = new Greenlet(function () {
    none.push(arguments.length);
  });
  assert.equal(h.switch(), undefined);
  assert.deepEqual(none, [0]);
});

test('run is not called before the first switch', () => {
  let calls = 0;
  const g = new Greenlet(() => {
    calls++;
  });
  assert.equal(calls, 0);
  assert.equal(g.started, false);
  g.switch();
  assert.equal(calls, 1);
});

test('a resumed switch() returns undefined for no args, the arg for one, an array for several', () => {
  const received = [];
  const g = new Greenlet(() => {
    for (;;) received.push(main.switch('ready'));
  });
  assert.equal(g.switch(), 'ready');

  assert.equal(g.switch(), 'ready');
  assert.equal(g.switch(7), 'ready');
  const obj = { x: 1 };
  assert.equal(g.switch(obj), 'ready');
  const arr = [1, 2];
  assert.equal(g.switch(arr), 'ready');
  assert.equal(g.switch(1, 2, 3), 'ready');
  assert.equal(g.switch(undefined), 'ready');
  assert.equal(g.switch(null), 'ready');

  assert.equal(received.length, 7);
  assert.equal(received[0], undefined);
  assert.equal(received[1], 7);
  assert.equal(received[2], obj, 'one argument is delivered as the very same object');
  assert.equal(received[3], arr, 'a single array argument is delivered as is, not unpacked');
  assert.ok(Array.isArray(received[4]));
  assert.deepEqual(received[4], [1, 2, 3]);
  assert.equal(received[5], undefined);
  assert.equal(received[6], null);
});

test('values switched back to the main greenlet follow the same rule', () => {
  const g = new Greenlet(() => {
    main.switch();
    main.switch('one');
    main.switch('a', 'b');
    main.switch([9]);
    return 'end';
  });
  assert.equal(g.switch(), undefined);
  assert.equal(g.switch(), 'one');
  assert.deepEqual(g.switch(), ['a', 'b']);
  const single = g.switch();
  assert.ok(Array.isArray(single));
  assert.deepEqual(single, [9]);
  assert.equal(g.switch(), 'end');
  assert.equal(g.dead, true);
});

test('ping-pong keeps the exact order of values in both directions', () => {
  const log = [];
  const g = new Greenlet((first) => {
    let v = first;
    for (let i = 0; i < 5; i++) {
      log.push(`g<${v}`);
      v = main.switch(v * 10);
    }
    return `done ${v}`;
  });
  let r = g.switch(1);
  for (let i = 2; r !== 'done 6' && i < 20; i++) {
    log.push(`main<${r}`);
    r = g.switch(i);
  }
  assert.equal(r, 'done 6');
  assert.deepEqual(log, [
    'g<1', 'main<10', 'g<2', 'main<20', 'g<3', 'main<30', 'g<4', 'main<40', 'g<5', 'main<50',
  ]);
});

test('the return value of run goes to the parent', () => {
  const value = { result: true };
  const g = new Greenlet(() => value);
  assert.equal(g.switch(), value);
  assert.equal(g.dead, true);

  const u = new Greenlet(() => {});
  assert.equal(u.switch('ignored'), undefined);
  assert.equal(u.dead, true);

  // A returned array is one value: it is not spread into several.
  const arr = [1, 2, 3];
  assert.equal(new Greenlet(() => arr).switch(), arr);
});

test('the result goes to the parent even when someone else switched in last', () => {
  // main -> a -> b; b was started by a, its parent is a; b returns to a.
  const log = [];
  const a = new Greenlet(() => {
    const b = new Greenlet(() => {
      log.push('b runs');
      return 'b result';
    });
    assert.equal(b.parent, a);
    const got = b.switch();
    log.push(`a got ${got}`);
    return 'a result';
  });
  assert.equal(a.switch(), 'a result');
  assert.deepEqual(log, ['b runs', 'a got b result']);
});

test('switching to self returns the arguments at once', () => {
  assert.equal(main.switch(), undefined);
  assert.equal(main.switch(5), 5);
  const obj = {};
  assert.equal(main.switch(obj), obj);
  assert.deepEqual(main.switch(1, 2), [1, 2]);
  assert.equal(getCurrent(), main);

  const g = new Greenlet(() => {
    const self = getCurrent();
    const r = [self.switch(), self.switch('x'), self.switch('x', 'y')];
    assert.equal(getCurrent(), self);
    return r;
  });
  const r = g.switch();
  assert.equal(r[0], undefined);
  assert.equal(r[1], 'x');
  assert.deepEqual(r[2], ['x', 'y']);
});

test('a switch to a dead greenlet goes to its parent', () => {
  const dead = new Greenlet(() => 'finished');
  assert.equal(dead.switch(), 'finished');
  assert.equal(dead.dead, true);

  // From the main greenlet: the parent is main itself, so it is a switch to self.
  assert.equal(dead.switch('again'), 'again');
  assert.deepEqual(dead.switch(1, 2), [1, 2]);

  // From another greenlet: the value lands in main's pending switch.
  const log = [];
  const g = new Greenlet(() => {
    const back = dead.switch('to main via dead');
    log.push(back);
    return 'g end';
  });
  assert.equal(g.switch(), 'to main via dead');
  assert.equal(g.dead, false);
  assert.equal(g.switch('resume'), 'g end');
  assert.deepEqual(log, ['resume']);
});

test('a switch to a dead greenlet resumes its live non-main parent', () => {
  const p = new Greenlet(() => {
    const v = main.switch('p parked');
    return ['p got', v];
  });
  assert.equal(p.switch(), 'p parked');
  const d = new Greenlet(() => 'd done'); // parent: main
  assert.equal(d.switch(), 'd done');
  d.parent = p;
  const r = d.switch('via dead d');
  assert.deepEqual(r, ['p got', 'via dead d']);
  assert.equal(p.dead, true);
});

test('a switch to a dead greenlet skips dead ancestors: parent, then its parent, ...', () => {
  // Build a chain of dead greenlets d3 -> d2 -> d1 -> p (alive, parked) -> main.
  const p = new Greenlet(() => {
    const v = main.switch('p parked');
    return ['p got', v];
  });
  assert.equal(p.switch(), 'p parked');
  const d1 = new Greenlet(() => 1);
  const d2 = new Greenlet(() => 2);
  const d3 = new Greenlet(() => 3);
  assert.equal(d1.switch(), 1);
  assert.equal(d2.switch(), 2);
  assert.equal(d3.switch(), 3);
  d1.parent = p;
  d2.parent = d1;
  d3.parent = d2;
  const r = d3.switch('x', 'y');
  assert.deepEqual(r, ['p got', ['x', 'y']]);

  // Nested dead greenlets that died inside each other: inner's parent is outer.
  let inner;
  const outer = new Greenlet(() => {
    inner = new Greenlet(() => 'inner done');
    return inner.switch();
  });
  assert.equal(outer.switch(), 'inner done');
  assert.equal(inner.dead, true);
  assert.equal(outer.dead, true);
  assert.equal(inner.parent, outer);
  const h = new Greenlet(() => {
    const got = inner.switch('through two dead');
    return `h resumed with ${got}`;
  });
  assert.equal(h.switch(), 'through two dead');
  assert.equal(h.switch('ok'), 'h resumed with ok');
});

test('nested greenlets switch to their grandparent and are resumed directly', () => {
  const log = [];
  let b;
  const a = new Greenlet(() => {
    b = new Greenlet((x) => {
      log.push(`b start ${x}`);
      const y = main.switch('from b to grandparent');
      log.push(`b resumed ${y}`);
      return 'b returns to a';
    });
    const r = b.switch('hi');
    log.push(`a got ${r}`);
    const z = main.switch('a parks');
    log.push(`a resumed ${z}`);
    return 'a returns to main';
  });
  assert.equal(a.switch(), 'from b to grandparent');
  assert.equal(getCurrent(), main);
  assert.equal(b.parent, a);
  assert.equal(a.active && b.active, true);
  assert.equal(b.switch('main to b'), 'a parks');
  assert.equal(b.dead, true);
  assert.equal(a.switch('main to a'), 'a returns to main');
  assert.deepEqual(log, [
    'b start hi',
    'b resumed main to b',
    'a got b returns to a',
    'a resumed main to a',
  ]);
});

test('a grandchild switches to its grandparent which is not main', () => {
  const log = [];
  const a = new Greenlet(() => {
    let c;
    const b = new Greenlet(() => {
      c = new Greenlet(() => {
        const v = a.switch('c to a');
        log.push(`c got ${v}`);
        return 'c end';
      });
      const r = c.switch();
      log.push(`b got ${r}`);
      return 'b end';
    });
    const first = b.switch();
    log.push(`a got ${first}`);
    const second = c.switch('a to c');
    log.push(`a got ${second}`);
    return 'a end';
  });
  assert.equal(a.switch(), 'a end');
  assert.deepEqual(log, ['a got c to a', 'c got a to c', 'b got c end', 'a got b end']);
});

test('a result delivered to a parent that never started starts it: run(result)', () => {
  const calls = [];
  const p = new Greenlet(function (...args) {
    calls.push(arguments.length);
    return ['p ran with', ...args];
  });
  const c = new Greenlet(() => 'c result', p);
  assert.equal(p.started, false);
  const r = c.switch();
  assert.deepEqual(r, ['p ran with', 'c result']);
  assert.deepEqual(calls, [1]);
  assert.equal(c.dead, true);
  assert.equal(p.dead, true);

  // run returning undefined still delivers exactly one argument (python: run(None)).
  const lengths = [];
  const q = new Greenlet(function (v) {
    lengths.push(arguments.length, v);
    return 'q done';
  });
  assert.equal(new Greenlet(() => {}, q).switch(), 'q done');
  assert.deepEqual(lengths, [1, undefined]);

  // A returned array is one argument for the new parent.
  const arrays = [];
  const s = new Greenlet(function (...args) {
    arrays.push(args);
  });
  const arr = [1, 2];
  new Greenlet(() => arr, s).switch();
  assert.equal(arrays[0].length, 1);
  assert.equal(arrays[0][0], arr);
});

test('a chain of unstarted parents is started one after another', () => {
  const order = [];
  const p2 = new Greenlet((v) => {
    order.push(`p2(${v})`);
    return 'p2 out';
  });
  const p1 = new Greenlet((v) => {
    order.push(`p1(${v})`);
    return 'p1 out';
  }, p2);
  const c = new Greenlet(() => {
    order.push('c');
    return 'c out';
  }, p1);
  assert.equal(c.switch(), 'p2 out');
  assert.deepEqual(order, ['c', 'p1(c out)', 'p2(p1 out)']);
  assert.equal(p1.dead && p2.dead && c.dead, true);
});

test('a switch to a dead greenlet whose parent never started starts the parent', () => {
  const p = new Greenlet((...args) => ['p ran', args]);
  const d = new Greenlet(() => 'd done');
  assert.equal(d.switch(), 'd done');
  d.parent = p;
  assert.deepEqual(d.switch('a', 'b'), ['p ran', ['a', 'b']]);
  assert.equal(p.dead, true);
});

test('`this` is undefined in a run passed to the constructor or set with g.run', () => {
  const seen = [];
  const g = new Greenlet(function () {
    seen.push(this);
    return 'ok';
  });
  assert.equal(g.switch(), 'ok');
  assert.equal(seen.length, 1);
  assert.equal(seen[0], undefined);

  const h = new Greenlet();
  h.run = function () {
    seen.push(this);
  };
  h.switch();
  assert.equal(seen.length, 2);
  assert.equal(seen[1], undefined);
});

test('`this` is the greenlet in a subclass run() method', () => {
  class Worker extends Greenlet {
    constructor(tag) {
      super();
      this.tag = tag;
    }
    run(a, b) {
      assert.equal(getCurrent(), this);
      const x = main.switch([this, this.tag, a, b]);
      return [this, x];
    }
  }
  const w = new Worker('t');
  assert.ok(w instanceof Greenlet);
  const [self, tag, a, b] = w.switch(1, 2);
  assert.equal(self, w);
  assert.equal(tag, 't');
  assert.equal(a, 1);
  assert.equal(b, 2);
  const [self2, x] = w.switch('again');
  assert.equal(self2, w);
  assert.equal(x, 'again');
  assert.equal(w.dead, true);
});

test(
  "a subclass's run() method wins over a run passed to its constructor",
  () => {
    // python 2.0.2: class Sub(greenlet): def run(self): ...; Sub(f).switch() calls the
    // method, not f: attribute lookup finds the subclass's `run` before the greenlet's
    // own slot. It is JavaScript's lookup too: g.run below is the method.
    const log = [];
    class Sub extends Greenlet {
      run(...args) {
        log.push(['method', this, args]);
      }
    }
    const f = function (...args) {
      log.push(['function', this, args]);
    };
    const g = new Sub(f);
    assert.equal(g.run, Sub.prototype.run);
    g.switch(1);
    assert.deepEqual(log, [['method', g, [1]]]);
  },
);

test('getCurrent() is the main greenlet outside and the running greenlet inside', () => {
  assert.equal(getCurrent(), main);
  assert.equal(getCurrent(), getCurrent());
  let inside;
  let nested;
  const g = new Greenlet(() => {
    inside = getCurrent();
    const h = new Greenlet(() => {
      nested = getCurrent();
      main.switch();
      return getCurrent();
    });
    h.switch();
    assert.equal(getCurrent(), g);
    return h;
  });
  g.switch();
  assert.equal(inside, g);
  assert.ok(nested instanceof Greenlet);
  assert.notEqual(nested, g);
  assert.equal(getCurrent(), main);
  // resume the inner greenlet from main: inside it getCurrent() is the inner one
  const h = nested;
  assert.equal(h.switch(), h, 'h returned getCurrent() to g, which returned h to main');
  assert.equal(getCurrent(), main);
});

test('Greenlet.main and isMain', () => {
  assert.ok(main instanceof Greenlet);
  assert.equal(main.isMain, true);
  assert.equal(Greenlet.main, main, 'Greenlet.main is stable');
  let mainInside;
  let isMainInside;
  const g = new Greenlet(() => {
    mainInside = Greenlet.main;
    isMainInside = getCurrent().isMain;
  });
  assert.equal(g.isMain, false);
  g.switch();
  assert.equal(mainInside, main);
  assert.equal(isMainInside, false);
  assert.equal(g.isMain, false);
  class Sub extends Greenlet {}
  assert.equal(new Sub(() => {}).isMain, false);
});

test('the main greenlet: parent null, started, active, not dead', () => {
  assert.equal(main.parent, null);
  assert.equal(main.started, true);
  assert.equal(main.active, true);
  assert.equal(main.dead, false);
  // the same seen from inside a greenlet
  const seen = new Greenlet(() => [main.parent, main.started, main.active, main.dead]).switch();
  assert.deepEqual(seen, [null, true, true, false]);
});

test('dead / started / active through the lifecycle', () => {
  const flags = (g) => ({ started: g.started, active: g.active, dead: g.dead });
  const inside = [];
  const g = new Greenlet(() => {
    inside.push(flags(getCurrent()));
    main.switch();
    inside.push(flags(getCurrent()));
    return 'end';
  });
  assert.deepEqual(flags(g), { started: false, active: false, dead: false });
  g.switch();
  assert.deepEqual(flags(g), { started: true, active: true, dead: false }, 'suspended');
  assert.equal(g.switch(), 'end');
  assert.deepEqual(flags(g), { started: true, active: false, dead: true }, 'finished');
  assert.deepEqual(inside, [
    { started: true, active: true, dead: false },
    { started: true, active: true, dead: false },
  ]);

  // a greenlet that ends with an error is dead as well
  const e = new Greenlet(() => {
    throw new Error('x');
  });
  assert.throws(() => e.switch(), /x/);
  assert.deepEqual(flags(e), { started: true, active: false, dead: true });

  // the parent seen from inside a running child is active
  const parentFlags = [];
  const p = new Greenlet(() => {
    new Greenlet(() => parentFlags.push(flags(getCurrent().parent))).switch();
  });
  p.switch();
  assert.deepEqual(parentFlags, [{ started: true, active: true, dead: false }]);
});

test('many greenlets round-robin with exact values', () => {
  const N = 50;
  const gs = [];
  for (let i = 0; i < N; i++) {
    gs.push(
      new Greenlet((start) => {
        let acc = start;
        for (let k = 0; k < 3; k++) acc += main.switch(acc);
        return acc;
      }),
    );
  }
  const firsts = gs.map((g, i) => g.switch(i));
  assert.deepEqual(firsts, gs.map((_, i) => i));
  for (let round = 1; round <= 2; round++) {
    const vals = gs.map((g) => g.switch(round));
    assert.deepEqual(vals, gs.map((_, i) => i + (round * (round + 1)) / 2));
  }
  const ends = gs.map((g) => g.switch(100));
  assert.deepEqual(ends, gs.map((_, i) => i + 3 + 100));
  assert.ok(gs.every((g) => g.dead));
});

test('siblings switch directly to each other', () => {
  const log = [];
  let b;
  const a = new Greenlet(() => {
    log.push('a1');
    let v = b.switch('a->b');
    log.push(`a got ${v}`);
    v = b.switch('a->b again');
    log.push(`a got ${v}`);
    return 'a end';
  });
  b = new Greenlet((x) => {
    log.push(`b got ${x}`);
    const v = a.switch('b->a');
    log.push(`b got ${v}`);
    return 'b end'; // to main, b's parent
  });
  assert.equal(a.parent, main);
  assert.equal(b.parent, main);
  assert.equal(a.switch(), 'b end');
  assert.equal(a.active, true);
  assert.equal(b.dead, true);
  assert.deepEqual(log, ['a1', 'b got a->b', 'a got b->a', 'b got a->b again']);
  assert.equal(a.switch('late'), 'a end', 'a resumes from its pending b.switch()');
});

test('a chain of 100 nested greenlets: the innermost switches to main, then unwinds', () => {
  const N = 100;
  const chain = [];
  const make = (depth) =>
    new Greenlet(() => {
      chain.push(getCurrent());
      if (depth === N) return main.switch('innermost') + depth;
      return make(depth + 1).switch() + 1;
    });
  const outer = make(1);
  assert.equal(outer.switch(), 'innermost');
  assert.equal(chain.length, N);
  for (let i = 1; i < N; i++) assert.equal(chain[i].parent, chain[i - 1]);
  assert.ok(chain.every((g) => g.active));
  // resume the innermost directly: its result unwinds through all 99 parents
  assert.equal(chain[N - 1].switch(0), N + (N - 1));
  assert.ok(chain.every((g) => g.dead));
});

test('suspended greenlets survive event-loop turns and resume from callbacks', async () => {
  const log = [];
  const g = new Greenlet(() => {
    setTimeout(() => log.push(['timer scheduled in g runs in main', getCurrent() === main]), 0);
    let v = main.switch('parked');
    log.push(['g', v, getCurrent() === g]);
    v = main.switch('parked again');
    log.push(['g', v, getCurrent() === g]);
    return 'g end';
  });
  assert.equal(g.switch(), 'parked');
  await new Promise((resolve) => setTimeout(resolve, 5));
  const fromTimer = await new Promise((resolve) => setTimeout(() => resolve(g.switch('from a timer')), 1));
  assert.equal(fromTimer, 'parked again');
  const fromThen = await Promise.resolve().then(() => g.switch('from a then'));
  assert.equal(fromThen, 'g end');
  assert.deepEqual(log, [
    ['timer scheduled in g runs in main', true],
    ['g', 'from a timer', true],
    ['g', 'from a then', true],
  ]);

  // an async run returns its promise at the first await; the rest runs on main
  const a = new Greenlet(async (x) => {
    const before = getCurrent();
    await null;
    return [before === a, getCurrent() === main, x];
  });
  const promise = a.switch(7);
  assert.ok(promise instanceof Promise);
  assert.equal(a.dead, true);
  assert.deepEqual(await promise, [true, true, 7]);
});

// ---- ported from python-greenlet's tests/test_greenlet.py ----------------------

test('test_two_children', () => {
  const lst = [];
  const f = () => {
    lst.push(1);
    getCurrent().parent.switch();
    lst.push(1, 1);
  };
  const g = new Greenlet(f);
  const h = new Greenlet(f);
  g.switch();
  assert.equal(lst.length, 1);
  h.switch();
  assert.equal(lst.length, 2);
  h.switch();
  assert.equal(lst.length, 4);
  assert.equal(h.dead, true);
  g.switch();
  assert.equal(lst.length, 6);
  assert.equal(g.dead, true);
});

test('test_two_recursive_children', () => {
  const lst = [];
  const f = () => {
    lst.push('b');
    getCurrent().parent.switch();
  };
  const g = new Greenlet(() => {
    lst.push('a');
    new Greenlet(f).switch();
    lst.push('c');
  });
  g.switch();
  assert.deepEqual(lst, ['a', 'b', 'c']);
});

test('test_switch_to_dead_greenlet_with_unstarted_perverse_parent', () => {
  // The parent's run lookup fails. python 2.0.2: SystemError reaches main both times,
  // the child's run ran once, the parent never starts.
  class PerverseError extends Error {}
  class Parent extends Greenlet {
    get run() {
      throw new PerverseError('no run for you');
    }
  }
  const parentNeverStarted = new Parent();
  const seen = [];
  const child = new Greenlet(() => {
    seen.push(42);
  }, parentNeverStarted);
  assert.throws(() => child.switch(), PerverseError);
  assert.deepEqual(seen, [42]);
  assert.throws(() => child.switch(), PerverseError);
  assert.deepEqual(seen, [42]);
  assert.deepEqual([parentNeverStarted.started, parentNeverStarted.dead], [false, false]);
  assert.equal(getCurrent(), main);
});

test(
  'test_recursive_startup: a run lookup that switches to the greenlet itself starts it only once',
  () => {
    // python 2.0.2 (same program with __getattribute__): run is called once, with 43;
    // the inner switch gets run's result; the outer switch, whose arguments were never
    // used, returns them (42); the greenlet is dead.
    const calls = [];
    class Convoluted extends Greenlet {
      count = 0;
      get run() {
        if (this.count === 0) {
          this.count = 1;
          calls.push(['inner switch returned', this.switch(43)]);
        }
        return Convoluted.prototype.realRun;
      }
      realRun(...args) {
        calls.push(['run', args]);
        return args;
      }
    }
    const g = new Convoluted();
    const outer = g.switch(42);
    assert.deepEqual(calls, [
      ['run', [43]],
      ['inner switch returned', [43]],
    ]);
    assert.equal(outer, 42);
    assert.equal(g.dead, true);
  },
);

test(
  'run is called even when the function object has its own `apply` property',
  () => {
    function run(a, b) {
      return ['run', a, b];
    }
    run.apply = () => 'hijacked';
    assert.deepEqual(new Greenlet(run).switch(1, 2), ['run', 1, 2]);
    const f = (x) => x * 2;
    f.apply = 5;
    assert.equal(new Greenlet(f).switch(21), 42);
  },
);
