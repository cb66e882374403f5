// settrace / gettrace and the tracer's calls, compared against python-greenlet.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Greenlet, getCurrent, GreenletExit, settrace, gettrace } from 'tendril';

const main = Greenlet.main;

afterEach(() => {
  settrace(null);
});

test('gettrace() is null when no tracer is set', () => {
  assert.equal(gettrace(), null);
});

test('settrace returns the previous tracer; settrace(null) clears it', () => {
  const t1 = () => {};
  const t2 = () => {};
  assert.equal(settrace(t1), null);
  assert.equal(gettrace(), t1);
  assert.equal(settrace(t2), t1);
  assert.equal(gettrace(), t2);
  assert.equal(settrace(null), t2);
  assert.equal(gettrace(), null);
  assert.equal(settrace(null), null);
  assert.equal(gettrace(), null);
});

test('the tracer gets (event, origin, target) as the Greenlet objects, and runs inside the target', () => {
  const calls = [];
  const g = new Greenlet(() => {
    calls.push('run');
    main.switch();
    return 'end';
  });
  settrace((...args) => {
    calls.push({ args, current: getCurrent() });
  });
  g.switch();
  g.switch();
  settrace(null);
  assert.equal(calls.length, 5);
  // before run of the new greenlet, inside it
  assert.deepEqual(calls[0].args, ['switch', main, g]);
  assert.equal(calls[0].args[1], main);
  assert.equal(calls[0].args[2], g);
  assert.equal(calls[0].current, g);
  assert.equal(calls[1], 'run');
  // back to main
  assert.equal(calls[2].args.length, 3);
  assert.equal(calls[2].args[0], 'switch');
  assert.equal(calls[2].args[1], g);
  assert.equal(calls[2].args[2], main);
  assert.equal(calls[2].current, main);
  // resume g, inside g
  assert.equal(calls[3].args[1], main);
  assert.equal(calls[3].args[2], g);
  assert.equal(calls[3].current, g);
  // g finished: its result goes to main; origin is the dead g
  assert.equal(calls[4].args[0], 'switch');
  assert.equal(calls[4].args[1], g);
  assert.equal(calls[4].args[2], main);
  assert.equal(calls[4].current, main);
});

test('the tracer runs after the switch and before the switch() call returns in the target', () => {
  const order = [];
  const g = new Greenlet(() => {
    const v = main.switch('out');
    order.push(`g resumed with ${v}`);
  });
  g.switch();
  settrace((event, origin, target) => {
    order.push(`trace ${event} ${target === g ? 'g' : 'main'}`);
  });
  order.push('main before switch');
  g.switch('in');
  order.push('main after switch');
  assert.deepEqual(order, [
    'main before switch',
    'trace switch g',
    'g resumed with in',
    'trace switch main',
    'main after switch',
  ]);
});

test('the tracer is called for a switch to self', () => {
  const calls = [];
  settrace((...args) => calls.push(args));
  assert.equal(main.switch(5), 5);
  assert.equal(calls.length, 1);
  assert.equal(calls[0][0], 'switch');
  assert.equal(calls[0][1], main);
  assert.equal(calls[0][2], main);

  settrace(null);
  const g = new Greenlet(() => {
    const self = getCurrent();
    settrace((...args) => calls.push(args));
    self.switch();
    settrace(null);
  });
  g.switch();
  assert.equal(calls.length, 2);
  assert.deepEqual(calls[1], ['switch', g, g]);
});

test("g.throw() gives a 'throw' event inside the target, before its catch block", () => {
  const order = [];
  const err = new Error('x');
  const g = new Greenlet(() => {
    try {
      main.switch();
    } catch (e) {
      order.push(['caught', e]);
    }
    return 'end';
  });
  g.switch();
  settrace((event, origin, target) => order.push([event, origin, target, getCurrent()]));
  assert.equal(g.throw(err), 'end');
  assert.deepEqual(order, [
    ['throw', main, g, g],
    ['caught', err],
    ['switch', g, main, main],
  ]);
});

test('exact trace of a scenario, as python-greenlet 2.0.2 records it', () => {
  // Expected events were produced by running the same program with python3-greenlet
  // 2.0.2 (Debian) and recording [event, origin, target, getcurrent()] in the tracer.
  const names = new Map([[main, 'main']]);
  const name = (g) => names.get(g) ?? '?';
  const events = [];
  const log = [];
  let b;
  const a = new Greenlet((x) => {
    log.push(['a start', x]);
    b = new Greenlet((y) => {
      log.push(['b start', y]);
      const v = main.switch('b->main'); // to the grandparent
      log.push(['b got', v]);
      log.push(['b self', getCurrent().switch('self')]);
      try {
        a.switch('b->a');
      } catch (e) {
        log.push(['b caught', e.message]);
      }
      return 'b done';
    });
    names.set(b, 'b');
    let r = b.switch('a->b');
    log.push(['a got', r]);
    r = b.throw(new RangeError('into b'));
    log.push(['a got', r]);
    r = main.switch('a->main');
    log.push(['a got', r]);
    return 'a done';
  });
  names.set(a, 'a');
  settrace((event, origin, target) => {
    events.push([event, name(origin), name(target), name(getCurrent())]);
  });

  events.push(['--', 'start a']);
  log.push(['main got', a.switch(1)]);
  events.push(['--', 'resume b']);
  log.push(['main got', b.switch()]);
  events.push(['--', 'throw into unstarted c']);
  const c = new Greenlet(() => {});
  names.set(c, 'c');
  log.push(['main got', c.throw().constructor.name]);
  events.push(['--', 'switch to dead b']);
  log.push(['main got', b.switch('dead')]);
  events.push(['--', 'throw GreenletExit into dead a']);
  log.push(['main got', a.throw().constructor.name]);
  events.push(['--', 'throw ValueError into dead a']);
  try {
    a.throw(new RangeError('dead'));
  } catch (e) {
    log.push(['main caught', e.message]);
  }
  events.push(['--', 'error escaping d']);
  const d = new Greenlet(() => {
    throw new Error('zde');
  });
  names.set(d, 'd');
  try {
    d.switch();
  } catch (e) {
    log.push(['main caught', e.message]);
  }
  events.push(['--', 'result to unstarted parent p']);
  const p = new Greenlet((v) => 'p got ' + v);
  names.set(p, 'p');
  const c2 = new Greenlet(() => 'r', p);
  names.set(c2, 'c2');
  log.push(['main got', c2.switch()]);
  events.push(['--', 'main self switch']);
  main.switch();
  settrace(null);

  assert.deepEqual(events, [
    ['--', 'start a'],
    ['switch', 'main', 'a', 'a'],
    ['switch', 'a', 'b', 'b'],
    ['switch', 'b', 'main', 'main'],
    ['--', 'resume b'],
    ['switch', 'main', 'b', 'b'],
    ['switch', 'b', 'b', 'b'],
    ['switch', 'b', 'a', 'a'],
    ['throw', 'a', 'b', 'b'],
    ['switch', 'b', 'a', 'a'],
    ['switch', 'a', 'main', 'main'],
    ['--', 'throw into unstarted c'],
    ['throw', 'main', 'c', 'c'],
    ['switch', 'c', 'main', 'main'],
    ['--', 'switch to dead b'],
    ['switch', 'main', 'a', 'a'],
    ['switch', 'a', 'main', 'main'],
    ['--', 'throw GreenletExit into dead a'],
    ['switch', 'main', 'main', 'main'],
    ['--', 'throw ValueError into dead a'],
    ['throw', 'main', 'main', 'main'],
    ['--', 'error escaping d'],
    ['switch', 'main', 'd', 'd'],
    ['throw', 'd', 'main', 'main'],
    ['--', 'result to unstarted parent p'],
    ['switch', 'main', 'c2', 'c2'],
    ['switch', 'c2', 'p', 'p'],
    ['switch', 'p', 'main', 'main'],
    ['--', 'main self switch'],
    ['switch', 'main', 'main', 'main'],
  ]);
  // python: ('b got', ()) — an empty resume is undefined here (DESIGN.md).
  assert.deepEqual(log, [
    ['a start', 1],
    ['b start', 'a->b'],
    ['main got', 'b->main'],
    ['b got', undefined],
    ['b self', 'self'],
    ['a got', 'b->a'],
    ['b caught', 'into b'],
    ['a got', 'b done'],
    ['main got', 'a->main'],
    ['main got', 'GreenletExit'],
    ['a got', 'dead'],
    ['main got', 'a done'],
    ['main got', 'GreenletExit'],
    ['main caught', 'dead'],
    ['main caught', 'zde'],
    ['main got', 'p got r'],
  ]);
});

test('a tracer that throws is removed and its error is raised in the target at its switch point', () => {
  const log = [];
  const err = new Error('tracer');
  let g;
  g = new Greenlet(() => {
    try {
      main.switch('parked');
    } catch (e) {
      log.push(['g caught', e, gettrace()]);
      return 'g handled';
    }
    return 'not caught';
  });
  assert.equal(g.switch(), 'parked');
  const bad = (event) => {
    log.push(['bad called', event, getCurrent() === g]);
    throw err;
  };
  assert.equal(settrace(bad), null);
  assert.equal(g.switch('resume'), 'g handled');
  assert.deepEqual(log, [
    ['bad called', 'switch', true],
    ['g caught', err, null],
  ]);
  assert.equal(gettrace(), null);
});

test('a tracer that throws before run: run is never called, the error goes to the parent', () => {
  const err = new Error('tracer');
  let calls = 0;
  const inside = [];
  const g = new Greenlet(() => {
    calls++;
  });
  settrace(() => {
    inside.push(getCurrent());
    throw err;
  });
  assert.throws(
    () => g.switch(),
    (e) => e === err,
  );
  assert.equal(calls, 0);
  assert.deepEqual(inside, [g]);
  assert.equal(g.dead, true);
  assert.equal(gettrace(), null);
});

test('a tracer that throws on a switch to self raises at once and is removed', () => {
  const err = new Error('self');
  settrace(() => {
    throw err;
  });
  assert.throws(
    () => main.switch(),
    (e) => e === err,
  );
  assert.equal(gettrace(), null);
  assert.equal(main.switch(1), 1);
});

test('a tracer that throws on the way back to main raises in main', () => {
  const err = new Error('back to main');
  const g = new Greenlet(() => main.switch('x'));
  settrace((event, origin, target) => {
    if (target === main) throw err;
  });
  assert.throws(
    () => g.switch(),
    (e) => e === err,
  );
  assert.equal(gettrace(), null);
  assert.equal(g.active, true);
  assert.equal(g.switch('done'), 'done');
});

test('a tracer that throws during a throw() replaces the thrown error', () => {
  const traced = new Error('from tracer');
  const thrown = new Error('thrown');
  const g = new Greenlet(() => {
    try {
      main.switch();
    } catch (e) {
      return e;
    }
  });
  g.switch();
  settrace(() => {
    throw traced;
  });
  assert.equal(g.throw(thrown), traced);
  assert.equal(gettrace(), null);
});

test('a tracer set inside a greenlet traces switches of the whole thread', () => {
  const events = [];
  const g = new Greenlet(() => {
    settrace((event, origin, target) => events.push([event, origin, target]));
    main.switch();
  });
  g.switch();
  assert.deepEqual(events, [['switch', g, main]]);
  const h = new Greenlet(() => 'h');
  h.switch();
  assert.deepEqual(events.slice(1), [
    ['switch', main, h],
    ['switch', h, main],
  ]);
  settrace(null);
  g.switch();
  assert.equal(events.length, 3);
});

test('no tracer calls after settrace(null)', () => {
  let calls = 0;
  settrace(() => calls++);
  new Greenlet(() => {}).switch();
  assert.equal(calls, 2);
  settrace(null);
  new Greenlet(() => {}).switch();
  main.switch();
  assert.equal(calls, 2);
});

test('GreenletExit escaping run is traced as a switch (a value), not a throw', () => {
  const events = [];
  const g = new Greenlet(() => main.switch());
  g.switch();
  settrace((event, origin, target) => events.push([event, origin, target]));
  const r = g.throw();
  assert.ok(r instanceof GreenletExit);
  assert.deepEqual(events, [
    ['throw', main, g],
    ['switch', g, main],
  ]);
});

test('exact trace of error and edge paths, as python-greenlet 2.0.2 records it', () => {
  // Checked against python3-greenlet 2.0.2 with the equivalent program. One known
  // difference is left out of the comparison: 2.0.2 starts an unstarted parent with
  // run() (no argument) when a GreenletExit arrives as a value; DESIGN.md says run(exit).
  const names = new Map([[main, 'main']]);
  const name = (g) => names.get(g) ?? '?';
  const ev = [];
  settrace((e, o, t) => ev.push([e, name(o), name(t), name(getCurrent())]));

  ev.push(['--', 'error to unstarted parent']);
  let p = new Greenlet(() => 0);
  names.set(p, 'p');
  let c = new Greenlet(() => {
    throw new Error('zde');
  }, p);
  names.set(c, 'c');
  assert.throws(() => c.switch(), /zde/);

  ev.push(['--', 'result to no-run parent']);
  p = new Greenlet();
  names.set(p, 'p2');
  c = new Greenlet(() => 'r', p);
  names.set(c, 'c2');
  assert.throws(() => c.switch());

  ev.push(['--', 'switch to no-run']);
  const q = new Greenlet();
  names.set(q, 'q');
  assert.throws(() => q.switch());

  ev.push(['--', 'GE to dead with unstarted parent']);
  const d = new Greenlet(() => 0);
  names.set(d, 'd');
  d.switch();
  const p3 = new Greenlet(() => 'p3');
  names.set(p3, 'p3');
  d.parent = p3;
  assert.equal(d.throw(), 'p3');

  ev.push(['--', 'throw to self in greenlet']);
  const s = new Greenlet(() => {
    try {
      getCurrent().throw(new Error());
    } catch {}
  });
  names.set(s, 's');
  s.switch();

  ev.push(['--', 'main.throw from greenlet']);
  const t = new Greenlet(() => {
    main.throw(new Error('k'));
  });
  names.set(t, 't');
  assert.throws(() => t.switch(), /k/);
  settrace(null);

  assert.deepEqual(ev, [
    ['--', 'error to unstarted parent'],
    ['switch', 'main', 'c', 'c'],
    ['throw', 'c', 'p', 'p'],
    ['throw', 'p', 'main', 'main'],
    ['--', 'result to no-run parent'],
    ['switch', 'main', 'c2', 'c2'],
    ['throw', 'c2', 'main', 'main'],
    ['--', 'switch to no-run'],
    ['--', 'GE to dead with unstarted parent'],
    ['switch', 'main', 'd', 'd'],
    ['switch', 'd', 'main', 'main'],
    ['switch', 'main', 'p3', 'p3'],
    ['switch', 'p3', 'main', 'main'],
    ['--', 'throw to self in greenlet'],
    ['switch', 'main', 's', 's'],
    ['throw', 's', 's', 's'],
    ['switch', 's', 'main', 'main'],
    ['--', 'main.throw from greenlet'],
    ['switch', 'main', 't', 't'],
    ['throw', 't', 'main', 'main'],
  ]);
});

test('a tracer that throws while a finished greenlet delivers its result raises in the parent', () => {
  // python 2.0.2: main catches the tracer's error, g is dead, the tracer is removed.
  const err = new Error('deliver');
  const g = new Greenlet(() => 'r');
  settrace((event, origin, target) => {
    if (target === main) throw err;
  });
  assert.throws(
    () => g.switch(),
    (e) => e === err,
  );
  assert.equal(g.dead, true);
  assert.equal(gettrace(), null);
});

// ---- ported from python-greenlet's tests/test_tracing.py ------------------------

class SomeError extends Error {}

function withTracer(errorOnTrace, body) {
  const actions = [];
  const tracer = (...args) => {
    actions.push(args);
    if (errorOnTrace) throw new SomeError();
  };
  const old = settrace(tracer);
  try {
    body(actions);
  } finally {
    settrace(old);
  }
  return actions;
}

test('test_a_greenlet_tracing', () => {
  let g1;
  let g2;
  const actions = withTracer(false, () => {
    g1 = new Greenlet(() => {});
    g1.switch();
    g2 = new Greenlet(() => {
      throw new SomeError();
    });
    assert.throws(() => g2.switch(), SomeError);
  });
  assert.deepEqual(actions, [
    ['switch', main, g1],
    ['switch', g1, main],
    ['switch', main, g2],
    ['throw', g2, main],
  ]);
});

test('test_b_exception_disables_tracing', () => {
  const g = new Greenlet(() => {
    main.switch();
  });
  g.switch();
  const actions = withTracer(true, () => {
    assert.throws(() => g.switch(), SomeError);
    assert.equal(gettrace(), null);
  });
  assert.deepEqual(actions, [['switch', main, g]]);
  assert.equal(g.dead, true, "the tracer's error ended g and reached main");
});

test('test_set_same_tracer_twice', () => {
  const tracer = () => {};
  assert.equal(settrace(tracer), null);
  assert.equal(settrace(tracer), tracer);
  assert.equal(gettrace(), tracer);
  assert.equal(settrace(null), tracer);
});
