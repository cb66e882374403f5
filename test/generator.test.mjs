// Generators built on greenlets, ported from python-greenlet's tests/test_generator.py
// and tests/test_generator_nested.py: a `genlet` is a greenlet subclass whose nested
// functions "yield" by switching to the genlet's parent, and which is iterated with
// for..of.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Greenlet, getCurrent } from 'tendril';

// ---- test_generator.py -----------------------------------------------------------

class SimpleGenlet extends Greenlet {
  constructor(fn, ...args) {
    super();
    this.fn = fn;
    this.args = args;
  }
  run() {
    this.fn(...this.args);
  }
  [Symbol.iterator]() {
    return this;
  }
  next() {
    this.parent = getCurrent();
    const result = this.switch();
    if (this.active) return { value: result, done: false };
    return { value: undefined, done: true };
  }
}

function simpleYield(value) {
  let g = getCurrent();
  while (!(g instanceof SimpleGenlet)) {
    if (g === null) throw new Error('yield outside a genlet');
    g = g.parent;
  }
  g.parent.switch(value);
}

const simpleGenerator = (fn) => (...args) => new SimpleGenlet(fn, ...args);

test('test_generator: a greenlet generator yields from a nested function', () => {
  const seen = [];
  const g = simpleGenerator((n) => {
    for (let i = 0; i < n; i++) {
      seen.push(i);
      // yields from a nested call, as python's Yield does
      (() => simpleYield(i))();
    }
  });
  for (let k = 0; k < 3; k++) {
    for (const j of g(5)) seen.push(j);
  }
  assert.deepEqual(seen, [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
});

test('a genlet works with spread and Array.from, and the greenlet is dead afterwards', () => {
  const squares = simpleGenerator((n) => {
    for (let i = 1; i <= n; i++) simpleYield(i * i);
  });
  assert.deepEqual([...squares(5)], [1, 4, 9, 16, 25]);
  assert.deepEqual(Array.from(squares(3)), [1, 4, 9]);
  const it = squares(2);
  assert.deepEqual(it.next(), { value: 1, done: false });
  assert.deepEqual(it.next(), { value: 4, done: false });
  assert.deepEqual(it.next(), { value: undefined, done: true });
  assert.equal(it.dead, true);
});

test('yield outside a genlet is an error', () => {
  assert.throws(() => simpleYield(10), /yield outside a genlet/);
});

test('a genlet can be consumed from inside another greenlet', () => {
  const counter = simpleGenerator((n) => {
    for (let i = 0; i < n; i++) simpleYield(i);
  });
  const consumer = new Greenlet(() => {
    const got = [];
    for (const x of counter(4)) {
      got.push(x);
      assert.equal(getCurrent(), consumer);
    }
    return got;
  });
  assert.deepEqual(consumer.switch(), [0, 1, 2, 3]);
});

// ---- test_generator_nested.py ---------------------------------------------------

class Genlet extends Greenlet {
  constructor(fn, args) {
    super();
    this.fn = fn;
    this.args = args;
    this.child = null;
  }
  run() {
    this.fn(...this.args);
  }
  [Symbol.iterator]() {
    return this;
  }
  setChild(child) {
    this.child = child;
  }
  next() {
    let result;
    if (this.child) {
      let child = this.child;
      while (child.child) {
        const tmp = child;
        child = child.child;
        tmp.child = null;
      }
      result = child.switch();
    } else {
      this.parent = getCurrent();
      result = this.switch();
    }
    if (this.active) return { value: result, done: false };
    return { value: undefined, done: true };
  }
}

function Yield(value, level = 1) {
  let g = getCurrent();
  while (level !== 0) {
    if (!(g instanceof Genlet)) throw new Error('yield outside a genlet');
    if (level > 1) g.parent.setChild(g);
    g = g.parent;
    level -= 1;
  }
  g.switch(value);
}

const genlet = (fn) => (...args) => new Genlet(fn, args);

// python's g1 is a native generator; JS's function* is the counterpart.
function* g1(n, seen) {
  for (let i = 0; i < n; i++) {
    seen.push(i + 1);
    yield i;
  }
}

const g2 = genlet((n, seen) => {
  for (let i = 0; i < n; i++) {
    seen.push(i + 1);
    Yield(i);
  }
});

const nested = (i) => Yield(i);

const g3 = genlet((n, seen) => {
  for (let i = 0; i < n; i++) {
    seen.push(i + 1);
    nested(i);
  }
});

const ax = genlet((n) => {
  if (n === 0) return;
  for (const ii of ax(n - 1)) Yield(ii);
  Yield(n);
});

const perms = genlet((l) => {
  if (l.length > 1) {
    for (const e of l) {
      const x = [];
      for (const p of perms(l.filter((y) => y !== e))) x.push(Yield([e, ...p]));
      assert.ok(x.length > 0);
    }
  } else {
    Yield(l);
  }
});

const gr1 = genlet((n) => {
  for (let ii = 1; ii < n; ii++) {
    Yield(ii);
    Yield(ii * ii, 2);
  }
});

const gr2 = genlet((n, seen) => {
  for (const ii of gr1(n)) seen.push(ii);
});

test('test_layered_genlets: a value yielded two levels up', () => {
  const seen = [];
  for (const ii of gr2(5, seen)) seen.push(ii);
  assert.deepEqual(seen, [1, 1, 2, 4, 3, 9, 4, 16]);
});

test('test_permutations: recursive genlets', () => {
  const permutations = [...perms([0, 1, 2, 3])];
  assert.equal(permutations.length, 4 * 3 * 2 * 1);
  assert.deepEqual(permutations[0], [0, 1, 2, 3]);
  assert.deepEqual(permutations[23], [3, 2, 1, 0]);
  assert.equal(new Set(permutations.map((p) => p.join())).size, 24);

  // zip(perms(range(4)), perms(range(3))), stopping at the shorter one
  const res = [];
  const a = perms([0, 1, 2, 3]);
  const b = perms([0, 1, 2]);
  for (;;) {
    const x = a.next();
    const y = b.next();
    if (x.done || y.done) break;
    res.push([x.value, y.value]);
  }
  assert.deepEqual(res, [
    [[0, 1, 2, 3], [0, 1, 2]],
    [[0, 1, 3, 2], [0, 2, 1]],
    [[0, 2, 1, 3], [1, 0, 2]],
    [[0, 2, 3, 1], [1, 2, 0]],
    [[0, 3, 1, 2], [2, 0, 1]],
    [[0, 3, 2, 1], [2, 1, 0]],
  ]);
});

test('test_genlet_simple: native generator, genlet, genlet yielding from a nested call', () => {
  for (const g of [g1, g2, g3]) {
    const seen = [];
    for (let k = 0; k < 3; k++) {
      for (const j of g(5, seen)) seen.push(j);
    }
    const once = [1, 0, 2, 1, 3, 2, 4, 3, 5, 4];
    assert.deepEqual(seen, [...once, ...once, ...once]);
  }
});

test('test_genlet_bad: Yield outside a genlet throws', () => {
  assert.throws(() => Yield(10), /yield outside a genlet/);
});

test('test_nested_genlets: genlets iterating genlets', () => {
  const seen = [];
  for (const ii of ax(5)) seen.push(ii);
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
});

test('breaking out of a for..of leaves the genlet suspended and resumable', () => {
  const counter = genlet((n) => {
    for (let i = 0; i < n; i++) Yield(i);
  });
  const c = counter(10);
  const got = [];
  for (const x of c) {
    got.push(x);
    if (x === 2) break;
  }
  assert.deepEqual(got, [0, 1, 2]);
  assert.equal(c.active, true);
  const rest = [];
  for (const x of c) rest.push(x);
  assert.deepEqual(rest, [3, 4, 5, 6, 7, 8, 9]);
  assert.equal(c.dead, true);
});

test('an error thrown inside a genlet surfaces in the for..of that consumes it', () => {
  const err = new Error('gen failed');
  const failing = genlet(() => {
    Yield('first');
    throw err;
  });
  const got = [];
  assert.throws(
    () => {
      for (const x of failing()) got.push(x);
    },
    (e) => e === err,
  );
  assert.deepEqual(got, ['first']);
});
