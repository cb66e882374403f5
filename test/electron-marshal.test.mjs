// The marshalling membrane behind tendril/electron's `ui`, pointed at objects that fail
// off the main thread: the affine test addon (a Node-API addon whose mainThreadOnly()
// throws on any other thread) and a stand-in with Electron's shape whose every member
// checks its thread (test/electron-fake.mjs). Greenlets run on carrier threads, so each
// test proves the calls really moved to the main thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect, types } from 'node:util';
import { EventEmitter } from 'node:events';
import { Channel, Greenlet, GreenletError, getCurrent, spawn, sleep, waitFor } from 'tendril';
import { marshal, unmarshal, isMarshalled } from 'tendril/electron';
import { affine, mainTid, createFakeElectron } from './electron-fake.mjs';

const OFF_MAIN = /called off the main thread/;

/** Runs fn in a new greenlet (on its own carrier thread) and returns its result. */
async function inGreenlet(fn) {
  return spawn(() => {
    const carrier = affine.threadId();
    assert.notEqual(carrier, mainTid, 'a greenlet runs on a carrier thread');
    const value = fn();
    assert.equal(affine.threadId(), carrier, 'the greenlet stays on its carrier');
    return value;
  }).promise;
}

test('the affine addon through marshal(): runs on the main thread from a greenlet; directly it throws', async () => {
  const ui = marshal(affine);
  const r = await inGreenlet(() => {
    let direct = null;
    try {
      affine.mainThreadOnly(1);
    } catch (e) {
      direct = e;
    }
    return { direct, value: ui.mainThreadOnly(42), tid: ui.threadId(), own: affine.threadId() };
  });
  assert.match(String(r.direct), OFF_MAIN, 'a direct call must fail on the carrier');
  assert.equal(r.value, 42);
  assert.equal(r.tid, mainTid, 'threadId() through the proxy ran on the main thread');
  assert.notEqual(r.own, mainTid);
  // The addon's exports are read-only, non-configurable: still marshalled (a shadow target).
  assert.equal(Object.getOwnPropertyDescriptor(affine, 'mainThreadOnly').configurable, false);
  assert.ok(isMarshalled(ui.mainThreadOnly));
  assert.equal(ui.mainThreadOnly, ui.mainThreadOnly, 'the same proxy for the same function');
  assert.equal(unmarshal(ui.mainThreadOnly), affine.mainThreadOnly);
});

test('an object passed through a marshalled call keeps its identity both ways', async () => {
  const ui = marshal(affine);
  const plain = { n: 1 };
  const fake = createFakeElectron();
  const win = new fake.BrowserWindow({ title: 'main-made' });
  const r = await inGreenlet(() => ({
    back: ui.mainThreadOnly(plain),
    winBack: ui.mainThreadOnly(marshal(win)),
    marshalledWin: marshal(win),
  }));
  // A plain object from the caller goes in as it is and comes back marshalled.
  assert.ok(isMarshalled(r.back));
  assert.equal(unmarshal(r.back), plain);
  assert.equal(r.back.n, 1);
  // A proxy goes in as its object and comes back as the same proxy.
  assert.equal(r.winBack, r.marshalledWin);
  assert.equal(unmarshal(r.winBack), win);
});

test('an Electron-shaped graph: classes, statics, registry, instances, getters/setters — all on the main thread, identity kept', async () => {
  const fake = createFakeElectron();
  const ui = marshal(fake);
  const r = await inGreenlet(() => {
    // Direct use from the carrier fails, like Electron would.
    assert.throws(() => fake.BrowserWindow.getAllWindows(), OFF_MAIN);
    const win = new ui.BrowserWindow({ title: 'first' });
    const other = new ui.BrowserWindow({ title: 'second', parent: win });
    const all = ui.BrowserWindow.getAllWindows();
    const out = {
      win,
      other,
      firstOfAll: all[0],
      secondOfAll: all[1],
      count: all.length,
      isArray: Array.isArray(all),
      fromId: ui.BrowserWindow.fromId(win.id),
      classTwice: ui.BrowserWindow === ui.BrowserWindow,
      methodTwice: win.getTitle === win.getTitle,
      webContentsTwice: win.webContents === win.webContents,
      ownerBack: win.webContents.owner === win,
      parent: other.parent === win,
      titleBefore: win.title,
      getTitle: win.getTitle(),
      isWindow: ui.BrowserWindow.isWindow(win),
      instanceOf: win instanceof ui.BrowserWindow,
      emitterInstance: win instanceof EventEmitter,
      typeofClass: typeof ui.BrowserWindow,
      typeofWin: typeof win,
      keys: Object.keys(win).sort(),
      hasTitle: 'title' in win,
      prototype: ui.BrowserWindow.prototype,
      appName: ui.app.name,
    };
    win.title = 'renamed';
    out.titleAfter = win.title;
    out.getTitleAfter = win.getTitle();
    // A method taken off and called with the proxy as `this`.
    const { getTitle } = win;
    out.detached = getTitle.call(win);
    out.applied = Reflect.apply(getTitle, win, []);
    return out;
  });
  // Only the deliberate direct call ran off the main thread; every marshalled one on it.
  assert.deepEqual(fake.offMain, ['BrowserWindow.getAllWindows'], 'no marshalled member ran off the main thread');
  const offMainCalls = fake.calls.filter((call) => call.tid !== mainTid);
  assert.deepEqual(offMainCalls.map((call) => call.what), ['BrowserWindow.getAllWindows']);
  assert.ok(fake.calls.length - offMainCalls.length >= 15, 'the marshalled calls were logged on the main thread');
  assert.equal(r.firstOfAll, r.win, 'getAllWindows()[0] === win');
  assert.equal(r.secondOfAll, r.other);
  assert.equal(r.count, 2);
  assert.ok(r.isArray);
  assert.equal(r.fromId, r.win);
  assert.ok(r.classTwice && r.methodTwice && r.webContentsTwice && r.ownerBack && r.parent);
  assert.equal(r.titleBefore, 'first');
  assert.equal(r.getTitle, 'first');
  assert.equal(r.titleAfter, 'renamed', 'the setter ran (on main) and the getter sees it');
  assert.equal(r.getTitleAfter, 'renamed');
  assert.equal(r.detached, 'renamed');
  assert.equal(r.applied, 'renamed');
  assert.equal(r.isWindow, true, 'the proxy was unwrapped when passed back in');
  assert.equal(r.instanceOf, true);
  assert.equal(r.emitterInstance, true);
  assert.equal(r.typeofClass, 'function');
  assert.equal(r.typeofWin, 'object');
  assert.ok(r.keys.includes('webContents') && r.keys.includes('id'), r.keys.join());
  assert.ok(r.hasTitle);
  assert.ok(isMarshalled(r.prototype), "a class's non-writable prototype is marshalled too");
  assert.equal(unmarshal(r.prototype), fake.BrowserWindow.prototype);
  assert.equal(r.appName, 'fake-app');
  // The real objects never saw a proxy.
  const [first, second] = fake.BrowserWindow.getAllWindows();
  assert.equal(unmarshal(r.win), first);
  assert.equal(second.parent, first, 'a proxy nested in an options object was unwrapped');
  assert.ok(!types.isProxy(second.parent));
});

test('listeners registered from a greenlet run later on the main thread, with marshalled arguments', async () => {
  const fake = createFakeElectron();
  const ui = marshal(fake);
  const seen = [];
  const r = await inGreenlet(() => {
    const win = new ui.BrowserWindow({ title: 'a' });
    const listener = (event, title) => {
      seen.push({
        tid: affine.threadId(),
        main: getCurrent().isMain,
        senderIsWin: event.sender === win,
        title,
        // a marshalled call from the main greenlet is a plain call
        read: win.getTitle(),
      });
    };
    // A second listener tells when each event has been delivered (no fixed sleep: the
    // suite must hold on a slow machine).
    const delivered = new Channel();
    const witness = (event, title) => delivered.send(title);
    win.on('page-title-updated', listener);
    win.on('page-title-updated', witness);
    win.title = 'b';
    assert.equal(delivered.receive(), 'b'); // the event fires from the event loop meanwhile
    const countBefore = win.listenerCount('page-title-updated');
    win.removeListener('page-title-updated', listener);
    const countAfter = win.listenerCount('page-title-updated');
    win.title = 'c';
    assert.equal(delivered.receive(), 'c');
    win.removeListener('page-title-updated', witness);
    return { countBefore, countAfter };
  });
  assert.deepEqual(fake.offMain, []);
  assert.equal(seen.length, 1, 'the listener ran once, and not after it was removed');
  assert.equal(seen[0].tid, mainTid, 'the listener ran on the main thread');
  assert.equal(seen[0].main, true, 'in the main greenlet');
  assert.equal(seen[0].senderIsWin, true, 'its argument came marshalled: the same proxy as win');
  assert.equal(seen[0].title, 'b');
  assert.equal(seen[0].read, 'b');
  assert.equal(r.countBefore, 2);
  assert.equal(r.countAfter, 1, 'removeListener found the same wrapper');
  // What the emitter holds is a wrapper; read back through the proxy it is the caller's function.
  const l = () => {};
  const back = await inGreenlet(() => {
    const w = new ui.BrowserWindow();
    w.on('x', l);
    return w.listeners('x')[0];
  });
  assert.equal(back, l);
});

test('a listener that tries to wait or switch throws GreenletError (it runs in the main greenlet)', async () => {
  const fake = createFakeElectron();
  const ui = marshal(fake);
  const errors = [];
  await inGreenlet(() => {
    const win = new ui.BrowserWindow();
    const delivered = new Channel();
    win.on('page-title-updated', () => {
      try {
        sleep(1);
      } catch (e) {
        errors.push(e);
      }
      delivered.send(true);
    });
    win.title = 'x';
    delivered.receive(); // the event fired from the event loop (no fixed sleep: slow machines)
  });
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof GreenletError, String(errors[0]));
});

test('promises: a marshalled call returning a promise gives a real Promise of the marshalled value', async () => {
  const fake = createFakeElectron();
  const ui = marshal(fake);
  const r = await inGreenlet(() => {
    const win = new ui.BrowserWindow();
    const promise = win.loadFile('index.html');
    const loaded = waitFor(promise);
    let rejected = null;
    try {
      waitFor(win.loadFile('missing.html'));
    } catch (e) {
      rejected = e;
    }
    return { win, promise, isPromise: promise instanceof Promise, loaded, rejected };
  });
  assert.ok(r.isPromise, 'a real Promise (await and waitFor work)');
  assert.ok(isMarshalled(await r.promise), 'its value is marshalled');
  assert.equal(r.loaded.file, 'index.html');
  assert.equal(r.loaded.contents, r.win.webContents, 'the resolved value is marshalled, identity kept');
  assert.match(r.rejected.message, /ERR_FILE_NOT_FOUND/);
  assert.ok(!isMarshalled(r.rejected), 'a rejection is passed on as it is');
  assert.deepEqual(fake.offMain, []);
  // The same original promise gives the same Promise.
  const holder = { p: Promise.resolve(1) };
  const m = marshal(holder);
  assert.equal(m.p, m.p);
  assert.equal(await m.p, 1);
  assert.equal(unmarshal(m.p), holder.p);
});

test('errors keep their identity: thrown on the main thread, caught in the greenlet as the same object', async () => {
  const fake = createFakeElectron();
  const ui = marshal(fake);
  const error = new RangeError('from the fake');
  const notAnError = { reason: 'plain' };
  const r = await inGreenlet(() => {
    const win = new ui.BrowserWindow();
    const caught = [];
    for (const thrown of [error, notAnError]) {
      try {
        win.fail(thrown);
      } catch (e) {
        caught.push(e);
      }
    }
    // A constructor that throws (bad argument), as Electron's argument checks do.
    try {
      new ui.BrowserWindow({ parent: {} });
    } catch (e) {
      caught.push(e);
    }
    return caught;
  });
  assert.equal(r[0], error);
  assert.equal(r[1], notAnError);
  assert.ok(r[2] instanceof TypeError);
  assert.ok(!isMarshalled(r[0]) && !isMarshalled(r[2]));
  assert.deepEqual(fake.offMain, []);
});

test('a marshalled function that switches or waits throws GreenletError; the greenlet goes on', async () => {
  const other = new Greenlet(() => 'other ran');
  const inside = {
    waits: () => sleep(5),
    blocks: () => waitFor(Promise.resolve(1)),
    switches: () => other.switch(),
    fine: () => affine.mainThreadOnly('fine'),
  };
  const ui = marshal(inside);
  const r = await inGreenlet(() => {
    const errors = {};
    for (const name of ['waits', 'blocks', 'switches']) {
      try {
        ui[name]();
        errors[name] = null;
      } catch (e) {
        errors[name] = e;
      }
    }
    sleep(1); // waiting is fine again outside the marshalled call
    return { errors, fine: ui.fine() };
  });
  for (const [name, e] of Object.entries(r.errors)) {
    assert.ok(e instanceof GreenletError, `${name}: expected GreenletError, got ${e}`);
  }
  assert.equal(other.started, false);
  assert.equal(r.fine, 'fine');
});

test('from the main greenlet a marshalled object is used directly (no switch), same identity', () => {
  const fake = createFakeElectron();
  const ui = marshal(fake);
  const win = new ui.BrowserWindow({ title: 'main' });
  assert.equal(ui.BrowserWindow.getAllWindows()[0], win);
  assert.equal(win.getTitle(), 'main');
  assert.equal(marshal(ui), ui, 'marshalling a proxy gives it back');
  assert.equal(marshal(fake), ui, 'marshalling the same object twice gives the same proxy');
  assert.equal(marshal(5), 5);
  assert.equal(marshal(null), null);
  assert.deepEqual(fake.offMain, []);
});

test('data comes through as expected: arrays, JSON, spread, Buffers unwrapped, inspect on main', async () => {
  const inside = {
    list: [1, { deep: 2 }],
    buffer: Buffer.from('bytes'),
    get computed() {
      return affine.mainThreadOnly('computed');
    },
  };
  const ui = marshal(inside);
  const r = await inGreenlet(() => ({
    json: JSON.stringify(ui.list),
    spread: [...ui.list].length,
    deep: ui.list[1].deep,
    buffer: ui.buffer,
    computed: ui.computed,
    inspected: inspect(ui),
    frozen: (() => {
      try {
        Object.freeze(ui);
        return null;
      } catch (e) {
        return e;
      }
    })(),
  }));
  assert.equal(r.json, '[1,{"deep":2}]');
  assert.equal(r.spread, 2);
  assert.equal(r.deep, 2);
  assert.ok(Buffer.isBuffer(r.buffer) && !types.isProxy(r.buffer), 'binary data is not wrapped');
  assert.equal(r.computed, 'computed', 'a getter runs on the main thread');
  assert.match(r.inspected, /list/);
  assert.match(r.inspected, /computed/);
  assert.ok(r.frozen instanceof TypeError, 'a proxy cannot be frozen');
});

test('many greenlets use the same marshalled objects at once', async () => {
  const fake = createFakeElectron();
  const ui = marshal(fake);
  const tasks = [];
  for (let i = 0; i < 8; i++) {
    tasks.push(
      spawn(() => {
        const win = new ui.BrowserWindow({ title: `w${i}` });
        for (let k = 0; k < 20; k++) {
          win.title = `w${i}-${k}`;
          if (k % 5 === 0) sleep(1);
          if (win.getTitle() !== `w${i}-${k}`) throw new Error('lost an update');
          if (ui.BrowserWindow.fromId(win.id) !== win) throw new Error('identity lost');
        }
        return affine.threadId();
      }),
    );
  }
  const carriers = await Promise.all(tasks.map((t) => t.promise));
  assert.ok(carriers.every((tid) => tid !== mainTid));
  assert.equal(fake.BrowserWindow.getAllWindows().length, 8);
  assert.deepEqual(fake.offMain, []);
});
