'use strict';
// node-fibers 5 on Node 14 (its last supported Node): the same patterns.
//   bench/.cache/node14/bin/node bench/cases/fibers.js fibers <case> '<json options>'
// FIBERS_DIR points at the unpacked fibers package (bench/run.js sets it up).
// Fibers are asymmetric (run() nests, yield() returns to whoever ran the fiber), so the
// ring, where each coroutine switches straight to the next, does not exist for them.
const path = require('path');
const { EventEmitter } = require('events');
const m = require('../lib/measure');

const Fiber = require(path.resolve(process.env.FIBERS_DIR || path.join(__dirname, '..', '.cache', 'fibers')));
const { name, options } = m.parseArgs(process.argv);

function parked() {
  return Fiber(() => {
    for (;;) Fiber.yield();
  });
}

const cases = {
  async pingpong(o) {
    const f = parked();
    f.run();
    return m.measure(
      (ops) => {
        const t = m.now();
        for (let i = 0; i < ops; i++) f.run();
        return m.since(t);
      },
      Object.assign({ units: 2 }, o),
    );
  },
  async create(o) {
    const fn = () => 1;
    return m.measure((ops) => {
      const t = m.now();
      for (let i = 0; i < ops; i++) Fiber(fn).run();
      return m.since(t);
    }, o);
  },
  async rr(o) {
    const fs = [];
    for (let i = 0; i < o.n; i++) {
      const f = parked();
      f.run();
      fs.push(f);
    }
    return m.roundRobin(fs.length, (i) => fs[i].run(), o);
  },
  // A fiber waiting in Fiber.yield(); the 'ping' listener resumes it with run(value).
  async event(o) {
    const em = new EventEmitter();
    const f = Fiber(() => {
      for (;;) em.emit('pong', Fiber.yield());
    });
    f.run();
    em.on('ping', (v) => f.run(v));
    return m.pingPongEvents(em, o);
  },
  // The usual fibers wait: yield, and resume from the promise's reaction.
  async waitfor(o) {
    const waitFor = (p) => {
      const self = Fiber.current;
      p.then((v) => self.run(v));
      return Fiber.yield();
    };
    return m.measure(
      (ops) =>
        new Promise((resolve) => {
          Fiber(() => {
            const t = m.now();
            for (let i = 0; i < ops; i++) waitFor(Promise.resolve(i));
            resolve(m.since(t));
          }).run();
        }),
      o,
    );
  },
  async footprint(o) {
    const before = m.snapshot();
    const fs = [];
    for (let i = 0; i < o.n; i++) {
      const f = parked();
      f.run();
      fs.push(f);
    }
    const after = m.snapshot();
    return m.footprint(before, after, o.n);
  },
  async max(o) {
    const fs = [];
    let error = null;
    try {
      while (fs.length < o.cap) {
        const f = parked();
        f.run();
        fs.push(f);
        if (fs.length % 250 === 0) m.progress(fs.length);
      }
    } catch (e) {
      error = { name: e && e.name, message: String(e && e.message) };
    }
    return { count: fs.length, capped: error === null, error: error, limits: m.limitsNow() };
  },
};

(async () => {
  const fn = cases[name];
  if (!fn) {
    m.emit({ na: true });
    return;
  }
  m.emit(await fn(options));
})().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exitCode = 1;
});
