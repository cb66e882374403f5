'use strict';
// tendril's side of every pattern. Run by bench/run.js in a fresh process per case:
//   node bench/cases/tendril.js tendril <case> '<json options>'
// Prints one `RESULT {...}` line (see bench/lib/measure.js).
const { EventEmitter } = require('events');
const { Greenlet, getCurrent, spawn, waitFor, fromEvent, stats, configure, listGreenlets } = require('tendril');
const m = require('../lib/measure');

const { name, options } = m.parseArgs(process.argv);
const main = getCurrent();
// Experiments (bench/explore.js) pass carrier settings: { configure: { idleCarriers, stackSize } }.
if (options.configure) configure(options.configure);

/** A greenlet that, each time it is switched to, switches straight back to main. */
function parked() {
  return new Greenlet(() => {
    for (;;) main.switch();
  });
}

const cases = {
  // main <-> one greenlet; a round trip is 2 switches.
  async pingpong(o) {
    const g = parked();
    g.switch();
    const r = await m.measure(
      (ops) => {
        const t = m.now();
        for (let i = 0; i < ops; i++) g.switch();
        return m.since(t);
      },
      Object.assign({ units: 2 }, o),
    );
    g.throw();
    return r;
  },

  // new Greenlet(fn).switch() with fn returning at once: the carrier comes from the idle
  // pool after the first (configure({ idleCarriers }) default).
  async create(o) {
    const fn = () => 1;
    return m.measure((ops) => {
      const t = m.now();
      for (let i = 0; i < ops; i++) new Greenlet(fn).switch();
      return m.since(t);
    }, o);
  },

  // n parked greenlets; main switches to each in turn and it switches straight back.
  // Per switch (a visit is 2 switches). Every target has been parked for n-1 visits.
  async rr(o) {
    const gs = [];
    for (let i = 0; i < o.n; i++) {
      const g = parked();
      g.switch();
      gs.push(g);
    }
    const r = await m.roundRobin(gs.length, (i) => gs[i].switch(), o);
    r.stats = stats();
    return r;
  },

  // n greenlets in a ring: each one switches straight to the next; main only starts a
  // lap and gets the token back after `ops` switches.
  async ring(o) {
    const n = o.n;
    const gs = [];
    let left = 0;
    let holder = 0;
    for (let i = 0; i < n; i++) {
      gs.push(
        new Greenlet(() => {
          const next = gs[i + 1 === n ? 0 : i + 1];
          main.switch(); // parked until the first lap
          for (;;) {
            if (--left <= 0) {
              holder = i;
              main.switch();
            } else {
              next.switch();
            }
          }
        }),
      );
    }
    for (let i = 0; i < n; i++) gs[i].switch(); // start each one; it parks at once
    const lap = (ops) => {
      left = ops;
      const t = m.now();
      gs[holder].switch();
      return m.since(t);
    };
    return m.measure(lap, Object.assign({ minOps: n }, o));
  },

  // EventEmitter 'ping' -> fromEvent() Channel -> a greenlet waiting in receive() ->
  // it emits 'pong' -> the main greenlet's awaited promise resolves. Per round trip.
  async event(o) {
    const em = new EventEmitter();
    const pings = fromEvent(em, 'ping');
    const task = spawn(() => {
      for (const v of pings) em.emit('pong', v);
    });
    const r = await m.pingPongEvents(em, o);
    pings.close();
    await task.promise;
    return r;
  },

  // waitFor() of an already-resolved promise, inside a spawned greenlet. Per call.
  async waitfor(o) {
    return m.measure(
      (ops) =>
        spawn(() => {
          const t = m.now();
          for (let i = 0; i < ops; i++) waitFor(Promise.resolve(i));
          return m.since(t);
        }).promise,
      o,
    );
  },

  // A method call through marshal(), the membrane behind tendril/electron's `ui`, made
  // from a greenlet: the read of the method and the call each make one onMain() round
  // trip to the main thread (four switches in all). The target stands in for an
  // Electron object (a window with a getter-style method).
  async marshal(o) {
    const { marshal } = require('tendril/electron');
    const win = marshal({ title: 'demo', getTitle() { return this.title; } });
    return m.measure(
      (ops) =>
        spawn(() => {
          const t = m.now();
          for (let i = 0; i < ops; i++) win.getTitle();
          return m.since(t);
        }).promise,
      o,
    );
  },

  // CPU-bound work inside one greenlet turn: what the monitor thread (CPU-profile
  // samples, the freeze watchdog) costs the greenlet that runs. Per loop of 100,000
  // iterations. options.profile: with a CPU profiler recording (node:inspector).
  async cpu(o) {
    if (o.profile) {
      const inspector = require('inspector');
      const session = new inspector.Session();
      session.connect();
      await new Promise((resolve) => session.post('Profiler.enable', resolve));
      await new Promise((resolve) => session.post('Profiler.start', resolve));
    }
    const loop = () => {
      let x = 0;
      for (let i = 0; i < 100000; i++) x += Math.sqrt(i + 1);
      return x;
    };
    return m.measure(
      (ops) =>
        new Greenlet(() => {
          const t = m.now();
          for (let i = 0; i < ops; i++) loop();
          return m.since(t);
        }).switch(),
      Object.assign({ minOps: 5 }, o),
    );
  },

  // listGreenlets() with o.n parked greenlets: per greenlet listed (each parked one's
  // thread reads its own stack: two handoffs).
  async list(o) {
    const gs = [];
    for (let i = 0; i < o.n; i++) {
      const g = parked();
      g.switch();
      gs.push(g);
    }
    const r = await m.measure((ops) => {
      const t = m.now();
      for (let i = 0; i < ops; i++) listGreenlets();
      return m.since(t);
    }, Object.assign({ units: o.n + 1 }, o));
    for (const g of gs) g.throw();
    return r;
  },

  // What taking a stack at every switch would add to each switch (the alternative to
  // listGreenlets() reading stacks on demand): Error.captureStackTrace in a greenlet,
  // 10 frames deep, without formatting it.
  async capture(o) {
    const deep = (n, ops) => (n === 0 ? captureLoop(ops) : deep(n - 1, ops) + 0);
    const captureLoop = (ops) => {
      const holder = {};
      const t = m.now();
      for (let i = 0; i < ops; i++) Error.captureStackTrace(holder);
      return m.since(t);
    };
    return m.measure((ops) => new Greenlet(() => deep(10, ops)).switch(), o);
  },

  // A GUI-style loop at 60 Hz: each frame an input event reaches the app's greenlet
  // (fromEvent() channel), which runs a burst of app logic (o.burstUs of JavaScript),
  // makes five marshalled calls (as to `ui`) and waits for the next event. Per run of
  // o.frames frames: the CPU time of the whole process (every thread) per frame, divided
  // by the wall time an event takes (emit to the greenlet waiting again). Spinning that
  // outlasts the work shows up as CPU time above the wall time.
  async gui(o) {
    const { marshal } = require('tendril/electron');
    const win = marshal({ title: 'demo', getTitle() { return this.title; } });
    const em = new EventEmitter();
    const inputs = fromEvent(em, 'input');
    const burstNs = BigInt(Math.round(o.burstUs * 1000));
    let walls = [];
    let frameDone = null;
    const app = spawn(() => {
      for (const t0 of inputs) {
        while (m.now() - t0 < burstNs); // app logic
        for (let i = 0; i < 5; i++) win.getTitle();
        walls.push(m.since(t0));
        frameDone();
      }
    });
    const frame = () =>
      new Promise((resolve) => {
        frameDone = resolve;
        em.emit('input', m.now());
      });
    const period = 1000 / 60;
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const run = async () => {
      walls = [];
      const cpu0 = process.cpuUsage();
      const t0 = Date.now();
      for (let i = 0; i < o.frames; i++) {
        await frame();
        await sleep(t0 + (i + 1) * period - Date.now());
      }
      const cpu = process.cpuUsage(cpu0);
      const cpuPerFrame = ((cpu.user + cpu.system) * 1000) / o.frames;
      const wall = walls.reduce((a, b) => a + b, 0) / walls.length;
      return { ratio: cpuPerFrame / wall, cpuPerFrame, wall };
    };
    await run(); // warm-up
    const samples = [];
    const details = [];
    for (let r = 0; r < o.runs; r++) {
      const d = await run();
      samples.push(d.ratio);
      details.push({ cpuPerFrameNs: d.cpuPerFrame, wallNs: d.wall });
    }
    inputs.close();
    await app.promise;
    return { samples, details, burstUs: o.burstUs, frames: o.frames };
  },

  // RSS and threads added by n parked greenlets (this process is fresh).
  async footprint(o) {
    // One parked greenlet before the baseline: what the first start in a thread costs
    // once (reaching Node's async-hooks internals through the inspector, which loads
    // node:inspector and with it streams and worker_threads) is no cost per greenlet.
    const gs = [parked()];
    gs[0].switch();
    const before = m.snapshot();
    for (let i = 0; i < o.n; i++) {
      const g = parked();
      g.switch();
      gs.push(g);
    }
    const after = m.snapshot();
    const r = m.footprint(before, after, o.n);
    r.stats = stats();
    return r;
  },

  // Start parked greenlets until the OS refuses (GreenletError) or the cap is reached.
  async max(o) {
    const gs = [];
    const t = m.now();
    let error = null;
    try {
      while (gs.length < o.cap) {
        const g = parked();
        g.switch();
        gs.push(g);
        if (gs.length % 250 === 0) m.progress(gs.length);
      }
    } catch (e) {
      error = { name: e && e.name, message: String(e && e.message) };
    }
    const limits = m.limitsNow();
    const seconds = m.since(t) / 1e9;
    const result = { count: gs.length, capped: error === null, error: error, limits: limits, seconds: seconds };
    // Release the threads at once: they count against the machine-wide pid limit.
    m.emit(result);
    const t2 = m.now();
    for (const g of gs) g.throw();
    result.releaseSeconds = m.since(t2) / 1e9;
    return result;
  },
};

(async () => {
  const fn = cases[name];
  if (!fn) throw new Error('unknown case ' + name);
  m.emit(await fn(options));
})().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exitCode = 1;
});
