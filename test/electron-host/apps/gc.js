// Where garbage collection runs when greenlets allocate (issue 11): the UI thread makes
// Electron-like objects (cppgc objects, wrapped ones, weak-handle ones) that become
// garbage, while greenlets allocate on their carriers. Each scenario reports 'done' with
// the host's probe counts (test/electron-host/native/gc_probes.cc: where pre-finalizers,
// destructors, weak callbacks and collections ran) and tendril's stats().
// Run as: host gc.js <scenario> [options as JSON]; { mirror: false } turns tendril's
// main-stack mirror off (it is on in Electron).
'use strict';
const { app } = require('electron');
const { Channel, Greenlet, configure, onMain, sleep, spawn, stats } = require('tendril');
const { report, testing, runScenario } = require('./kit');

const options = JSON.parse(process.argv[3] ?? '{}');
const { gc } = testing;
if (options.mirror !== undefined) configure({ mirrorMainStack: options.mirror });

/** Electron-like objects made on the UI thread, dropped at once. */
function uiObjects(count) {
  gc.allocAffine(count);
  gc.wrapAffine(Math.ceil(count / 10));
  gc.weakNatives(Math.ceil(count / 10));
}

/** About `kib` KiB of small JavaScript objects. */
function batch(kib) {
  const objects = [];
  for (let i = 0; i < Math.round(kib * 6.7); i++) objects.push({ i, text: `item ${i}`, list: [i, i + 1] });
  return objects;
}

/** A batch of about `kib` KiB, kept in `ring` for the next 24 calls. */
function allocate(ring, kib) {
  ring.push(batch(kib));
  if (ring.length > 24) ring.shift();
}

/**
 * Allocates in a greenlet until `count` more full collections have run on carriers. The
 * objects are kept until 48 MiB of them are, then dropped: they reach the old generation
 * and die there. (Kept for a fixed number of batches only, they may all die young once
 * V8 has grown the young generation, and no full collection ever comes.)
 */
function allocateUntilCarrierCollections(count) {
  const target = gc.counts().fullGcs.off + count;
  let kept = [];
  let mib = 0;
  while (gc.counts().fullGcs.off < target) {
    if (mib >= 32768) throw new Error(`no full collection on the carrier after ${mib} MiB`);
    kept.push(batch(1024));
    if (kept.length >= 48) kept = [];
    mib++;
  }
  return mib;
}

const elapsed = (started) => Number(process.hrtime.bigint() - started) / 1e6;

/** Lets the UI thread run idle turns (V8's tasks finish its sweeps there), then reports. */
/**
 * Runs `fn` once the app is ready. What it throws ends the app with a report: Electron
 * would only log the rejection and keep the app running, and the test would wait for it.
 */
function whenReady(fn) {
  app.whenReady().then(fn).catch((error) => {
    report('failed', { error: error instanceof Error ? error.stack : String(error) });
    app.exit(70);
  });
}

function finish(extra) {
  let turns = 0;
  const settle = () => {
    if (++turns < 20) return testing.postTask(settle, 2);
    report('done', { counts: gc.counts(), stats: stats(), ...extra() });
    app.quit();
  };
  testing.postTask(settle, 2);
}

runScenario({
  // A GUI-style loop: each input event (a task posted from another thread, emitted the
  // way Electron emits events on its objects: held by a raw pointer meanwhile) makes
  // UI-thread objects, then the app greenlet handles it with a short burst of allocation
  // and answers through a UI-thread call (as `ui.win.webContents.send` would); the next
  // event comes `delayMs` after that. `catchUp` names a catch-up the UI thread does
  // before each event (testing.gc.catchUp).
  gui() {
    const { events = 300, perEvent = 2000, burstKiB = 256, delayMs = 1, catchUp } = options;
    whenReady(() => {
      const inbox = new Channel();
      const started = process.hrtime.bigint();
      const catchUps = [];
      let sent = 0;
      const nextEvent = () => {
        uiObjects(perEvent);
        if (catchUp) {
          const micros = gc.catchUp(catchUp);
          if (micros) catchUps.push(micros);
        }
        inbox.send(sent++);
      };
      const task = spawn(() => {
        const ring = [];
        for (const event of inbox) {
          allocate(ring, burstKiB);
          onMain(() => (event + 1 < events ? gc.emitHeld(nextEvent, delayMs) : inbox.close()));
        }
      });
      gc.emitHeld(nextEvent, delayMs);
      task.promise.then(() => finish(() => ({ ms: elapsed(started), catchUps })));
    });
  },

  // A compute-heavy greenlet: long stretches of allocation, yielding to the event loop
  // every `yieldEveryMiB`; the UI thread makes its objects whenever it runs.
  compute() {
    const { rounds = 20, perRound = 20000, roundMiB = 32, yieldEveryMiB = 8 } = options;
    whenReady(() => {
      const started = process.hrtime.bigint();
      let running = true;
      const makeObjects = () => {
        uiObjects(perRound / (roundMiB / yieldEveryMiB));
        if (running) testing.postTask(makeObjects, 1);
      };
      testing.postTask(makeObjects, 0);
      const task = spawn(() => {
        const ring = [];
        for (let round = 0; round < rounds; round++) {
          for (let mib = 0; mib < roundMiB; mib++) {
            allocate(ring, 1024);
            if ((mib + 1) % yieldEveryMiB === 0) sleep(0);
          }
        }
      });
      task.promise.then(() => {
        running = false;
        finish(() => ({ ms: elapsed(started) }));
      });
    });
  },

  // A UI-thread C++ frame holds a cppgc object only by a raw pointer while JavaScript
  // switches to a greenlet that allocates until `perCall` full collections have run on
  // its carrier. Reports, per call, whether the object was found dead meanwhile.
  hold() {
    const { calls = 5, perCall = 2 } = options;
    whenReady(() => {
      const results = [];
      const worker = new Greenlet(() => {
        for (;;) Greenlet.main.switch(allocateUntilCarrierCollections(perCall));
      });
      for (let i = 0; i < calls; i++) {
        const result = gc.holdAndCall(() => worker.switch());
        results.push({ finalized: result.finalizedDuringCall, intact: result.intact, mib: result.returned });
      }
      worker.throw();
      finish(() => ({ results }));
    });
  },

  // Memory: `count` greenlets parked after their first switch (each on its own carrier,
  // with the mirror's buffer on its stack when the mirror is on).
  parked() {
    const { count = 1000 } = options;
    whenReady(() => {
      const before = process.memoryUsage.rss();
      const parked = Array.from({ length: count }, () => new Greenlet(() => Greenlet.main.switch()));
      for (const greenlet of parked) greenlet.switch();
      const perGreenlet = (process.memoryUsage.rss() - before) / count;
      for (const greenlet of parked) greenlet.switch();
      finish(() => ({ perGreenletKiB: perGreenlet / 1024 }));
    });
  },

  // UI-thread objects become garbage, then one greenlet runs without a break through
  // `collections` full collections: the first finds them dead (their pre-finalizers run in
  // its atomic pause), the next finishes the sweep the first started (their destructors
  // run). A third covers a cycle already marking when they were made (they are live for it).
  'one-stretch'() {
    const { objects = 100000, collections = 2 } = options;
    whenReady(() => {
      uiObjects(objects);
      const worker = new Greenlet(() => allocateUntilCarrierCollections(collections));
      const mib = worker.switch();
      finish(() => ({ mib }));
    });
  },
});
