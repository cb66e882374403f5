// V8's stack limit on each carrier comes from its real stack: runaway recursion in a
// greenlet is a RangeError, never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Greenlet, configure } from 'tendril';

function maxDepth() {
  let depth = 0;
  const dive = () => {
    depth++;
    dive();
  };
  try {
    dive();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  return depth;
}

test('runaway recursion in a greenlet is a RangeError it can catch and carry on from', () => {
  const g = new Greenlet(() => {
    const depth = maxDepth();
    Greenlet.main.switch(depth);
    return maxDepth();
  });
  const first = g.switch();
  assert.ok(first > 1000, `depth ${first}`);
  assert.ok(g.switch() > 1000);
  assert.ok(g.dead);
});

test('recursion in a nested greenlet, uncaught, reaches the parent as a RangeError', () => {
  const outer = new Greenlet(() => {
    const inner = new Greenlet(function recurse() {
      return recurse() + 1;
    });
    try {
      inner.switch();
    } catch (error) {
      return error;
    }
    return null;
  });
  const error = outer.switch();
  assert.ok(error instanceof RangeError, String(error));
  assert.match(error.message, /call stack/);
});

test('a larger configured stack gives deeper recursion; a smaller one less', () => {
  const depthWith = (stackSize) => {
    configure({ stackSize });
    return new Greenlet(maxDepth).switch();
  };
  try {
    const small = depthWith(768 * 1024);
    const large = depthWith(8 * 1024 * 1024);
    assert.ok(large > small * 4, `8 MiB: ${large}, 768 KiB: ${small}`);
  } finally {
    configure({ stackSize: 1280 * 1024 });
  }
});

test('the main thread keeps its own stack limit', () => {
  assert.ok(maxDepth() > 1000);
});
