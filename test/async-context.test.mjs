// A switch never corrupts Node's async-hooks stack (test/async-scopes.test.mjs has the
// details), and on Node 24+ each greenlet has its own AsyncLocalStorage context (V8
// continuation data, saved per greenlet).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncLocalStorage, AsyncResource, executionAsyncId } from 'node:async_hooks';
import { Greenlet } from 'tendril';
import { nodeMajor } from './helpers.mjs';

const perGreenlet = nodeMajor >= 24 ? false : 'AsyncLocalStorage is shared between greenlets before Node 24 (documented limit)';

test('AsyncLocalStorage: each greenlet keeps its own store across switches', { skip: perGreenlet }, () => {
  const als = new AsyncLocalStorage();
  const seen = [];
  let g;
  als.run('creator', () => {
    g = new Greenlet(() => {
      seen.push(`g starts in ${als.getStore()}`);
      als.run('inside g', () => {
        Greenlet.main.switch();
        seen.push(`g resumes in ${als.getStore()}`);
      });
      seen.push(`g after run in ${als.getStore()}`);
    });
  });
  als.run('main', () => {
    g.switch();
    seen.push(`main after first switch in ${als.getStore()}`);
    als.run('main again', () => g.switch());
    seen.push(`main at end in ${als.getStore()}`);
  });
  assert.deepEqual(seen, [
    'g starts in main',
    'main after first switch in main',
    'g resumes in inside g',
    'g after run in main',
    'main at end in main',
  ]);
});

test('AsyncLocalStorage.run around a switch never corrupts anything', async () => {
  const als = new AsyncLocalStorage();
  const g = new Greenlet(() => {
    als.run(1, () => Greenlet.main.switch());
    return 'done';
  });
  await new Promise((resolve) => setTimeout(resolve, 1));
  await new Promise((resolve) => setTimeout(() => resolve(g.switch()), 1));
  const result = await new Promise((resolve) => setTimeout(() => resolve(g.switch()), 1));
  assert.equal(result, 'done');
});

test('a switch inside a runInAsyncScope the greenlet entered works, and the scope is intact when it resumes', async () => {
  const resource = new AsyncResource('TendrilTest');
  const g = new Greenlet(() => {
    const inside = resource.runInAsyncScope(() => {
      Greenlet.main.switch('inside scope');
      return executionAsyncId() === resource.asyncId();
    });
    Greenlet.main.switch(inside);
    return 'finished';
  });
  assert.equal(await new Promise((resolve) => setTimeout(() => resolve(g.switch()), 1)), 'inside scope');
  // the timer callbacks around these switches pop their own async ids: no corruption
  assert.equal(await new Promise((resolve) => setTimeout(() => resolve(g.switch()), 1)), true);
  const result = await new Promise((resolve) => setTimeout(() => resolve(g.switch()), 1));
  assert.equal(result, 'finished');
});

test('a greenlet resumed from inside a callback scope runs in that scope', async () => {
  const ids = [];
  const g = new Greenlet(() => {
    for (;;) {
      const resumedIn = Greenlet.main.switch();
      ids.push(executionAsyncId() === resumedIn);
    }
  });
  g.switch();
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(() => {
      g.switch(executionAsyncId());
      resolve();
    }, 1));
  }
  assert.deepEqual(ids, [true, true, true]);
  g.throw();
});
