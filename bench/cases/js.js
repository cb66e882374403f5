'use strict';
// The same patterns with what Node has built in: async/await and generators.
//   node bench/cases/js.js <async|generator> <case> '<json options>'
// A "switch" for async/await is one hop from one async function to another through a
// resolved promise; for generators it is one next() into a generator or one yield out of
// it. Generators are asymmetric (only their caller can resume them), so the ring, where
// each coroutine resumes the next one itself, does not exist for them.
const { EventEmitter, on } = require('events');
const m = require('../lib/measure');

const { impl, name, options } = m.parseArgs(process.argv);

/** n async functions, each waiting for its own turn and handing back to the driver. */
function asyncParked(n) {
  const turns = new Array(n);
  let back = null;
  const arm = (i) => new Promise((resolve) => (turns[i] = resolve));
  for (let i = 0; i < n; i++) {
    (async () => {
      for (;;) {
        await arm(i);
        back();
      }
    })();
  }
  // A visit: resume coroutine i and wait until it hands back (2 switches).
  return {
    visit(i) {
      const p = new Promise((resolve) => (back = resolve));
      turns[i]();
      return p;
    },
  };
}

function* genParkedBody() {
  for (;;) yield;
}

const asyncCases = {
  async pingpong(o) {
    const c = asyncParked(1);
    await Promise.resolve(); // let it arm
    return m.measure(
      async (ops) => {
        const t = m.now();
        for (let i = 0; i < ops; i++) await c.visit(0);
        return m.since(t);
      },
      Object.assign({ units: 2 }, o),
    );
  },
  async create(o) {
    const fn = async () => 1;
    return m.measure(async (ops) => {
      const t = m.now();
      for (let i = 0; i < ops; i++) await fn();
      return m.since(t);
    }, o);
  },
  async rr(o) {
    const c = asyncParked(o.n);
    await Promise.resolve();
    return m.roundRobin(o.n, (i) => c.visit(i), o, { awaitEach: true });
  },
  async ring(o) {
    const n = o.n;
    const turns = new Array(n);
    let left = 0;
    let holder = 0;
    let done = null;
    const arm = (i) => new Promise((resolve) => (turns[i] = resolve));
    for (let i = 0; i < n; i++) {
      (async () => {
        for (;;) {
          await arm(i);
          if (--left <= 0) {
            holder = i;
            done();
          } else {
            turns[i + 1 === n ? 0 : i + 1]();
          }
        }
      })();
    }
    await Promise.resolve();
    const lap = async (ops) => {
      left = ops;
      const p = new Promise((resolve) => (done = resolve));
      const t = m.now();
      turns[holder]();
      await p;
      return m.since(t);
    };
    return m.measure(lap, Object.assign({ minOps: n }, o));
  },
  async event(o) {
    const em = new EventEmitter();
    const ac = new AbortController();
    const consumer = (async () => {
      try {
        for await (const [v] of on(em, 'ping', { signal: ac.signal })) em.emit('pong', v);
      } catch (e) {
        if (e.name !== 'AbortError') throw e;
      }
    })();
    const r = await m.pingPongEvents(em, o);
    ac.abort();
    await consumer;
    return r;
  },
  async waitfor(o) {
    return m.measure(async (ops) => {
      const t = m.now();
      for (let i = 0; i < ops; i++) await Promise.resolve(i);
      return m.since(t);
    }, o);
  },
  async footprint(o) {
    const before = m.snapshot();
    const keep = [];
    for (let i = 0; i < o.n; i++) {
      let resolve;
      const p = new Promise((r) => (resolve = r));
      keep.push(resolve, (async () => { await p; })());
    }
    await Promise.resolve();
    const after = m.snapshot();
    return m.footprint(before, after, o.n);
  },
  async max(o) {
    const keep = [];
    for (let i = 0; i < o.cap; i++) {
      let resolve;
      const p = new Promise((r) => (resolve = r));
      keep.push(resolve, (async () => { await p; })());
    }
    return { count: o.cap, capped: true, error: null, limits: m.limitsNow() };
  },
};

const generatorCases = {
  async pingpong(o) {
    const g = genParkedBody();
    g.next();
    return m.measure(
      (ops) => {
        const t = m.now();
        for (let i = 0; i < ops; i++) g.next();
        return m.since(t);
      },
      Object.assign({ units: 2 }, o),
    );
  },
  async create(o) {
    function* fn() {
      return 1;
    }
    return m.measure((ops) => {
      const t = m.now();
      for (let i = 0; i < ops; i++) fn().next();
      return m.since(t);
    }, o);
  },
  async rr(o) {
    const gs = [];
    for (let i = 0; i < o.n; i++) {
      const g = genParkedBody();
      g.next();
      gs.push(g);
    }
    return m.roundRobin(gs.length, (i) => gs[i].next(), o);
  },
  // A generator waiting for events: the listener resumes it with next(value).
  async event(o) {
    const em = new EventEmitter();
    const g = (function* () {
      for (;;) em.emit('pong', yield);
    })();
    g.next();
    em.on('ping', (v) => g.next(v));
    return m.pingPongEvents(em, o);
  },
  // co-style: a driver resumes the generator with each yielded promise's value.
  async waitfor(o) {
    const drive = (gen) =>
      new Promise((resolve) => {
        const it = gen();
        const step = (v) => {
          const r = it.next(v);
          if (r.done) resolve(r.value);
          else Promise.resolve(r.value).then(step);
        };
        step(undefined);
      });
    return m.measure(
      (ops) =>
        drive(function* () {
          const t = m.now();
          for (let i = 0; i < ops; i++) yield Promise.resolve(i);
          return m.since(t);
        }),
      o,
    );
  },
  async footprint(o) {
    const before = m.snapshot();
    const gs = [];
    for (let i = 0; i < o.n; i++) {
      const g = genParkedBody();
      g.next();
      gs.push(g);
    }
    const after = m.snapshot();
    return m.footprint(before, after, o.n);
  },
  async max(o) {
    const gs = [];
    for (let i = 0; i < o.cap; i++) {
      const g = genParkedBody();
      g.next();
      gs.push(g);
    }
    return { count: o.cap, capped: true, error: null, limits: m.limitsNow() };
  },
};

(async () => {
  const table = impl === 'async' ? asyncCases : impl === 'generator' ? generatorCases : null;
  if (!table) throw new Error('unknown impl ' + impl);
  const fn = table[name];
  if (!fn) {
    m.emit({ na: true });
    return;
  }
  m.emit(await fn(options));
})().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exitCode = 1;
});
